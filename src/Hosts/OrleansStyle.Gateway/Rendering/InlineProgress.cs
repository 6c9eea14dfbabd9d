namespace OrleansStyle.Gateway.Rendering;

/// <summary>Reports on the calling thread, in order (Progress&lt;T&gt; would post to the thread pool and may reorder).</summary>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
