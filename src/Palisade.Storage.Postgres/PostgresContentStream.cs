using Palisade.Acs.Storage;

namespace Palisade.Storage.Postgres;

/// <summary>
/// A stored content read from its chunks, one chunk (one query) at a time, seekable so that the file server can
/// answer ranges. It holds no connection between reads.
/// </summary>
internal sealed class PostgresContentStream(PostgresDatabase db, string sha256, long length) : Stream
{
    private byte[]? _chunk;
    private int _chunkSeq = -1;
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => _position = value is >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position >= length || buffer.Length == 0)
        {
            return 0;
        }

        var seq = (int)(_position / PostgresFileStore.ChunkBytes);
        if (seq != _chunkSeq)
        {
            _chunk = await PostgresFileStore.ReadChunkAsync(db, sha256, seq, cancellationToken).ConfigureAwait(false)
                ?? throw new StoreException(StoreErrorReason.Unavailable, $"Chunk {seq} of content {sha256} is missing.");
            _chunkSeq = seq;
        }

        var within = (int)(_position - ((long)seq * PostgresFileStore.ChunkBytes));
        var count = Math.Min(buffer.Length, _chunk!.Length - within);
        if (count <= 0)
        {
            throw new StoreException(StoreErrorReason.Unavailable, $"Content {sha256} is shorter than its recorded size.");
        }

        _chunk.AsSpan(within, count).CopyTo(buffer.Span);
        _position += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => length + offset,
        };
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
