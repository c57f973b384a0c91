namespace Palisade.Xmpp;

/// <summary>
/// A read-only view of the connection that hands the XML parser at most <see cref="Chunk"/> bytes per read and counts
/// what it read since <see cref="Reset"/>: past the budget (one stanza plus one chunk of read-ahead), the read throws.
/// So a server cannot make the parser buffer an endless text node or attribute.
/// </summary>
internal sealed class MeteredStream(Stream inner, int budget) : Stream
{
    public const int Chunk = 4096;
    private long _read;

    /// <summary>The token the next read passes on (XmlReader's async reads take none).</summary>
    public CancellationToken Token { get; set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>A stanza ended: the next one has the whole budget.</summary>
    public void Reset() => _read = 0;

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, Math.Min(count, Chunk)));

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Count(await inner.ReadAsync(buffer.AsMemory(offset, Math.Min(count, Chunk)), cancellationToken.CanBeCanceled ? cancellationToken : Token).ConfigureAwait(false));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer[..Math.Min(buffer.Length, Chunk)], cancellationToken.CanBeCanceled ? cancellationToken : Token).ConfigureAwait(false));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Count(int n)
    {
        _read += n;
        if (_read > (long)budget + Chunk)
        {
            throw new XmppException($"the server sent a stanza larger than {budget} bytes");
        }

        return n;
    }
}
