using System.Diagnostics;
using HdrHistogram;

namespace Palisade.Bench.Fleet;

/// <summary>
/// Closed-loop turns against one server (or several nodes serving one fleet), added up: sessions, time, latency, the
/// servers' and the simulator's CPU, and the database's when it runs apart (PostgreSQL).
/// </summary>
internal sealed class Turns(IReadOnlyList<ServerProcess> servers, Func<double>? databaseCpuSeconds = null)
{
    private readonly double[] _nodeCpu = new double[servers.Count];
    private double _seconds;
    private double _serverCpu;
    private double _databaseCpu;
    private double _simulatorCpu;

    public Turns(ServerProcess server)
        : this([server])
    {
    }

    public long Sessions { get; private set; }

    public LongHistogram Latency { get; } = new(TimeStamp.Minutes(10), 3);

    public double LastRate { get; private set; }

    /// <summary>Latency driven open loop at half the other server's rate (the baseline's comparison figure).</summary>
    public LongHistogram? HalfRateLatency { get; set; }

    /// <summary>Sessions against this server that failed, by kind.</summary>
    public SortedDictionary<string, long> Errors { get; } = new(StringComparer.Ordinal);

    public double Rate => Sessions / Math.Max(_seconds, 1e-9);

    /// <summary>Server CPU seconds per 1,000 sessions, all nodes together.</summary>
    public double ServerCpuPer1000 => _serverCpu * 1000 / Math.Max(1, Sessions);

    /// <summary>Each node's CPU seconds per 1,000 sessions of the whole fleet (each node serves its share of it).</summary>
    public IReadOnlyList<double> NodeCpuPer1000 => [.. _nodeCpu.Select(c => c * 1000 / Math.Max(1, Sessions))];

    /// <summary>The database's CPU seconds per 1,000 sessions (0 when it runs inside the server, as SQLite does).</summary>
    public double DatabaseCpuPer1000 => _databaseCpu * 1000 / Math.Max(1, Sessions);

    /// <summary>The CPU of the last turn per 1,000 of its sessions: servers, database.</summary>
    public (double Server, double Database) LastCpuPer1000 { get; private set; }

    public double SimulatorCpuPer1000 => _simulatorCpu * 1000 / Math.Max(1, Sessions);

    public async Task RunAsync(Func<Task<(long Sessions, LongHistogram Latency)>> turn)
    {
        var nodeCpu = servers.Select(s => s.CpuSeconds).ToArray();
        var databaseCpu = databaseCpuSeconds?.Invoke() ?? 0;
        var simulatorCpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        var clock = Stopwatch.StartNew();
        var (sessions, latency) = await turn().ConfigureAwait(false);
        var seconds = clock.Elapsed.TotalSeconds;
        var serverCpu = 0.0;
        for (var i = 0; i < servers.Count; i++)
        {
            var used = servers[i].CpuSeconds - nodeCpu[i];
            _nodeCpu[i] += used;
            serverCpu += used;
        }

        var databaseUsed = (databaseCpuSeconds?.Invoke() ?? 0) - databaseCpu;
        _serverCpu += serverCpu;
        _databaseCpu += databaseUsed;
        LastCpuPer1000 = (serverCpu * 1000 / Math.Max(1, sessions), databaseUsed * 1000 / Math.Max(1, sessions));
        _simulatorCpu += Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - simulatorCpu;
        _seconds += seconds;
        Sessions += sessions;
        LastRate = sessions / seconds;
        Latency.Add(latency);
    }
}
