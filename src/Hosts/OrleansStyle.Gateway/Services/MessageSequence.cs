using Grpc.Core;

namespace OrleansStyle.Gateway.Services;

/// <summary>Messages already in memory, read as a client stream: how the Browser service feeds the streaming calls.</summary>
internal sealed class MessageSequence<T>(IEnumerable<T> messages) : IAsyncStreamReader<T>, IDisposable
{
    private readonly IEnumerator<T> _messages = messages.GetEnumerator();

    public T Current => _messages.Current;

    public Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_messages.MoveNext());
    }

    public void Dispose() => _messages.Dispose();
}
