using static TorchSharp.torch;

namespace OrleansStyle.Neural.Tests;

internal static class TensorLeaks
{
    /// <summary>Runs the action a few times to warm up, then asserts the live tensor count stays flat.</summary>
    public static void AssertNoLeak(Action action, int repetitions = 5)
    {
        action();
        var before = Tensor.TotalCount;
        for (var i = 0; i < repetitions; i++)
        {
            action();
        }

        Assert.Equal(before, Tensor.TotalCount);
    }
}
