using System.Net;

namespace Palisade.Cpe.Diagnostics;

/// <summary>An upload body of <c>length</c> zero bytes, written in 64 KiB pieces (never held whole in memory).</summary>
internal sealed class ZeroContent : HttpContent
{
    private readonly long _length;

    public ZeroContent(long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _length = length;
        Headers.ContentLength = length;
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var block = new byte[64 * 1024];
        for (var left = _length; left > 0; left -= block.Length)
        {
            await stream.WriteAsync(block.AsMemory(0, (int)Math.Min(left, block.Length)), cancellationToken).ConfigureAwait(false);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _length;
        return true;
    }
}
