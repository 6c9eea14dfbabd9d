using static TorchSharp.torch;

namespace OrleansStyle.Neural.Tests;

internal static class TensorLeaks
{
    /// <summary>Runs the action a few times to warm up, then asserts the live tensor count stays flat.</summary>
    public static void AssertNoLeak(Action action, int repetitions = 5)
    {
        action();
        var before = SettledCount();
        for (var i = 0; i < repetitions; i++)
        {
            action();
        }

        Assert.Equal(before, SettledCount());
    }

    /// <summary>The live count after finalising garbage from earlier tests, which the GC would otherwise uncount at random.</summary>
    private static long SettledCount()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return Tensor.TotalCount;
    }
}
