using System.Diagnostics;
using System.Globalization;

namespace Palisade.Bench;

/// <summary>A server under test in its own process: started, measured (CPU, peak RSS), stopped.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, Uri url, string banner)
    {
        _process = process;
        Url = url;
        Banner = banner;
    }

    public Uri Url { get; }

    /// <summary>The line the server announced itself with (e.g. serve's <c>palisade: listening cwmp=… api=… files=…</c>).</summary>
    public string Banner { get; }

    public int Pid => _process.Id;

    public static async Task<ServerProcess> StartAsync(string marker, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_gcServer"] = "0";
        var process = Process.Start(info) ?? throw new InvalidOperationException("Cannot start " + args[0]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            var at = line.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                _ = process.StandardError.ReadToEndAsync(CancellationToken.None);
                return new ServerProcess(process, new Uri(line[(at + marker.Length)..].Split(' ')[0]), line);
            }
        }

        throw new InvalidOperationException($"{args[0]} exited before listening: {await process.StandardError.ReadToEndAsync(CancellationToken.None)}");
    }

    /// <summary>CPU seconds (user + system) the process has used.</summary>
    public double CpuSeconds
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime.TotalSeconds;
        }
    }

    /// <summary>Peak resident set size in bytes (VmHWM), or the current working set where /proc is missing.</summary>
    public long PeakRssBytes => ReadStatus("VmHWM:") ?? _process.PeakWorkingSet64;

    public long RssBytes => ReadStatus("VmRSS:") ?? _process.WorkingSet64;

    private bool _disposed;

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }

        _process.Dispose();
    }

    private long? ReadStatus(string field)
    {
        var path = $"/proc/{_process.Id}/status";
        if (!File.Exists(path))
        {
            return null;
        }

        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                var kb = line[field.Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }

        return null;
    }
}
