using System.Diagnostics;
using Palisade.Acs.Devices;
using Palisade.Acs.Storage;
using Palisade.Cwmp.Messages;
using Palisade.Storage.Sqlite;

namespace Palisade.Server.Tests;

/// <summary>
/// Kills <c>palisade serve</c> (SIGKILL) in the middle of a burst of sessions: after a restart the store opens
/// cleanly, every task is either done (its session committed) or still queued, and the queued ones then run.
/// </summary>
public sealed class CrashTests : IDisposable
{
    private const int Devices = 24;
    private readonly string _data = Directory.CreateTempSubdirectory("palisade-crash-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Killing_the_server_during_a_burst_loses_no_task_and_leaves_a_sound_store()
    {
        var (process, url) = await StartServerAsync();
        List<(string Serial, string User, string Password)> enrolled;
        try
        {
            enrolled = await EnrollAsync(url);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        // Queue three tasks per device, straight into the store (the server is down).
        var taskIds = new List<long>();
        await using (var store = SqliteStore.Open(new SqliteStoreOptions { DataDirectory = _data }))
        {
            foreach (var (serial, _, _) in enrolled)
            {
                for (var i = 0; i < 3; i++)
                {
                    var task = await store.AddTaskAsync(new DeviceId("00D09E", "HGW", serial), new NewTask("getParameterValues", $$"""{"name":"getParameterValues","parameterNames":["Device.DeviceInfo.UpTime{{i}}"]}""", DateTimeOffset.UtcNow, null), CancellationToken.None);
                    taskIds.Add(task.Id);
                }
            }
        }

        (process, url) = await StartServerAsync();
        try
        {
            // The burst: every device runs its session concurrently; the server dies while they run, once the CPEs have
            // been sent a sixth of the tasks (so sessions are under way, whatever the machine's speed).
            var sent = 0;
            var midBurst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            CwmpMessage Answer(CwmpMessage request)
            {
                if (Interlocked.Increment(ref sent) == Devices / 2)
                {
                    midBurst.TrySetResult();
                }

                return TestCpe.Default(request);
            }

            var burst = enrolled.Select(d => Task.Run(async () =>
            {
                try
                {
                    using var cpe = Cpe(url, d.Serial, d.User, d.Password);
                    await cpe.RunSessionAsync(Answer);
                }
                catch (Exception)
                {
                    // Sessions cut by the crash fail; that is the point.
                }
            })).ToList();
            await midBurst.Task.WaitAsync(TimeSpan.FromSeconds(60));
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            await Task.WhenAll(burst);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        await using (var store = SqliteStore.Open(new SqliteStoreOptions { DataDirectory = _data }))
        {
            Assert.Empty(await store.CheckIntegrityAsync(CancellationToken.None));
            foreach (var id in taskIds)
            {
                var task = await store.GetTaskAsync(id, CancellationToken.None);
                Assert.NotNull(task);
                Assert.Contains(task.Status, new[] { DeviceTaskStatus.Done, DeviceTaskStatus.Queued });
            }
        }

        // After the restart, every device's remaining tasks run; in the end all are done.
        (process, url) = await StartServerAsync();
        try
        {
            foreach (var (serial, user, password) in enrolled)
            {
                using var cpe = Cpe(url, serial, user, password);
                await cpe.RunSessionAsync();
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        await using (var store = SqliteStore.Open(new SqliteStoreOptions { DataDirectory = _data }))
        {
            foreach (var id in taskIds)
            {
                Assert.Equal(DeviceTaskStatus.Done, (await store.GetTaskAsync(id, CancellationToken.None))!.Status);
            }
        }
    }

    private async Task<List<(string, string, string)>> EnrollAsync(Uri url)
    {
        var bootstrap = File.ReadAllText(Path.Combine(_data, "bootstrap-credential")).Trim().Split(':', 2);
        var result = new List<(string, string, string)>();
        for (var i = 0; i < Devices; i++)
        {
            var serial = "CRASH" + i;
            using var cpe = Cpe(url, serial, bootstrap[0], bootstrap[1]);
            await cpe.RunSessionAsync(null, "0 BOOTSTRAP", "1 BOOT");
            result.Add((serial, cpe.Username!, cpe.Password!));
        }

        return result;
    }

    private TestCpe Cpe(Uri url, string serial, string user, string password) =>
        new(null, serial, user, password, url: url, trust: Path.Combine(_data, "pki", "ca.crt"));

    private async Task<(Process, Uri)> StartServerAsync()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "palisade.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { dll, "serve", "--data", _data, "--cwmp-port", "0", "--api-port", "0", "--files-port", "0" })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            const string marker = "palisade: listening cwmp=";
            if (line.StartsWith(marker, StringComparison.Ordinal))
            {
                // Keep draining output so the server never blocks on a full pipe.
                _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                _ = process.StandardError.ReadToEndAsync(CancellationToken.None);
                return (process, new Uri(line[marker.Length..].Split(' ')[0]));
            }
        }

        throw new InvalidOperationException("palisade serve exited before listening: " + await process.StandardError.ReadToEndAsync(CancellationToken.None));
    }
}
