using System.Globalization;

namespace Palisade.Bench.Postgres;

/// <summary>
/// The CPU a PostgreSQL cluster has used: user + system time of its postmaster and of every process it started
/// (backends, WAL writer, checkpointer, autovacuum), from /proc/PID/stat. A backend that exited was reaped by the
/// postmaster, so its time is in the postmaster's cutime/cstime; one still running is counted by itself. Read before
/// and after a turn, the difference is what the cluster spent on it.
/// </summary>
internal sealed class PostgresCpu
{
    // USER_HZ: the unit of /proc/PID/stat's times, 100 on every Linux architecture .NET runs on.
    private const double TicksPerSecond = 100;

    private PostgresCpu(int postmaster) => Postmaster = postmaster;

    public int Postmaster { get; }

    /// <summary>The cluster whose data folder is <paramref name="dataDirectory"/> (its postmaster.pid names the postmaster).</summary>
    /// <exception cref="InvalidOperationException">The cluster is not running or /proc is missing.</exception>
    public static PostgresCpu Of(string dataDirectory)
    {
        var pidFile = Path.Combine(dataDirectory, "postmaster.pid");
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || Stat(pid) is null)
        {
            throw new InvalidOperationException($"No running PostgreSQL cluster in {dataDirectory} (postmaster.pid), or no /proc to read its CPU from.");
        }

        return new PostgresCpu(pid);
    }

    /// <summary>CPU seconds (user + system) of the postmaster, its reaped children and its live children.</summary>
    public double CpuSeconds
    {
        get
        {
            var own = Stat(Postmaster) ?? throw new InvalidOperationException($"The PostgreSQL postmaster (pid {Postmaster}) is gone.");
            var ticks = own.Utime + own.Stime + own.Cutime + own.Cstime;
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid != Postmaster
                    && Stat(pid) is { } child && child.Parent == Postmaster)
                {
                    ticks += child.Utime + child.Stime;
                }
            }

            return ticks / TicksPerSecond;
        }
    }

    private sealed record ProcessTimes(int Parent, long Utime, long Stime, long Cutime, long Cstime);

    // /proc/PID/stat: "pid (comm) state ppid ... utime stime cutime cstime ..." (fields 4 and 14-17); comm may hold
    // spaces and parentheses, so the fields are counted from its last ')'.
    private static ProcessTimes? Stat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        long Field(int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture);
        return fields.Length < 15 ? null : new ProcessTimes((int)Field(4), Field(14), Field(15), Field(16), Field(17));
    }
}
