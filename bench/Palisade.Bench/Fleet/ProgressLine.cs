using System.Diagnostics;
using Spectre.Console;

namespace Palisade.Bench.Fleet;

/// <summary>
/// A line every ten seconds while a long phase runs, so a 100,000-device run never looks hung; disposing it stops the
/// printing.
/// </summary>
internal sealed class ProgressLine : IDisposable
{
    private readonly CancellationTokenSource _stop;

    private ProgressLine(CancellationToken cancellationToken) => _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

    public static ProgressLine Start(string what, Func<long> done, int total, CancellationToken cancellationToken)
    {
        var line = new ProgressLine(cancellationToken);
        var stop = line._stop.Token;
        var clock = Stopwatch.StartNew();
        _ = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    await Task.Delay(TimeSpan.FromSeconds(10), stop).ConfigureAwait(false);
                    AnsiConsole.MarkupLineInterpolated($"  {what} {done():N0} / {total:N0} after {clock.Elapsed.TotalSeconds:0} s");
                }
            }
            catch (OperationCanceledException)
            {
            }
        }, CancellationToken.None);
        return line;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
