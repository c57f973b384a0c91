using System.Diagnostics;
using HdrHistogram;

namespace Palisade.Bench.Fleet;

/// <summary>Closed-loop turns against one server, added up: sessions, time, latency and both processes' CPU.</summary>
internal sealed class Turns(ServerProcess server)
{
    private double _seconds;
    private double _serverCpu;
    private double _simulatorCpu;

    public long Sessions { get; private set; }

    public LongHistogram Latency { get; } = new(TimeStamp.Minutes(10), 3);

    public double LastRate { get; private set; }

    /// <summary>Latency driven open loop at half the other server's rate (the baseline's comparison figure).</summary>
    public LongHistogram? HalfRateLatency { get; set; }

    /// <summary>Sessions against this server that failed, by kind.</summary>
    public SortedDictionary<string, long> Errors { get; } = new(StringComparer.Ordinal);

    public double Rate => Sessions / Math.Max(_seconds, 1e-9);

    public double ServerCpuPer1000 => _serverCpu * 1000 / Math.Max(1, Sessions);

    public double SimulatorCpuPer1000 => _simulatorCpu * 1000 / Math.Max(1, Sessions);

    public async Task RunAsync(Func<Task<(long Sessions, LongHistogram Latency)>> turn)
    {
        var serverCpu = server.CpuSeconds;
        var simulatorCpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        var clock = Stopwatch.StartNew();
        var (sessions, latency) = await turn().ConfigureAwait(false);
        var seconds = clock.Elapsed.TotalSeconds;
        _serverCpu += server.CpuSeconds - serverCpu;
        _simulatorCpu += Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - simulatorCpu;
        _seconds += seconds;
        Sessions += sessions;
        LastRate = sessions / seconds;
        Latency.Add(latency);
    }
}
