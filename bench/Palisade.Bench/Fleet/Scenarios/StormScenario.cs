using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Palisade.Acs.Storage;
using Palisade.Acs.Tasks;
using Palisade.Cpe.Agent;
using Spectre.Console;

namespace Palisade.Bench.Fleet.Scenarios;

/// <summary>
/// A power outage ends: every registered device boots at once; 503s are retried after their Retry-After, failed
/// connections with the TR-069 back-off. One task per device is queued before the power comes back: each must be done
/// after the storm, and each device's BOOT recorded, or something was lost.
/// </summary>
internal sealed class StormScenario : IFleetScenario
{
    public string Name => "storm";

    public string Help => "every device boots at once";

    public string RefusesTasks => "it queues one task per device before the storm";

    public async Task AfterRegistrationAsync(BenchRun run)
    {
        var agents = run.Fleet.Agents;
        var probe = TaskJson.Serialize(new GetParameterValuesTask(["Device.DeviceInfo.SoftwareVersion"]));
        var stormStart = DateTimeOffset.UtcNow;
        foreach (var agent in agents)
        {
            await run.Queue.Store().AddTaskAsync(BenchFleets.DeviceIdOf(agent), new NewTask("getParameterValues", probe, stormStart, null), run.CancellationToken).ConfigureAwait(false);
        }

        var retries = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var (seconds, shed) = await StormAsync(agents, run.Errors, retries, run.CancellationToken).ConfigureAwait(false);
        var (tasksLost, bootsLost) = Losses(run.Data, stormStart, agents.Count);
        run.Storm = new StormFigures(seconds, shed, tasksLost, bootsLost, retries);
        AnsiConsole.MarkupLineInterpolated($"storm: every device served in {seconds:0.0} s, {shed} sheds (503 + Retry-After), {tasksLost} tasks and {bootsLost} BOOTs lost");
    }

    // After a storm: probe tasks still queued (never run), and devices whose BOOT after the storm began is not recorded.
    private static (long TasksLost, long BootsLost) Losses(string data, DateTimeOffset stormStart, int devices)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(data, "palisade.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM tasks WHERE created_at >= $start AND status = 0";
        command.Parameters.AddWithValue("$start", stormStart.ToUnixTimeMilliseconds());
        var tasksLost = (long)command.ExecuteScalar()!;
        command.CommandText = "SELECT count(*) FROM devices WHERE last_boot_at >= $start";
        var booted = (long)command.ExecuteScalar()!;
        return (tasksLost, devices - booted);
    }

    private static async Task<(double Seconds, long Shed)> StormAsync(IReadOnlyList<CpeAgent> agents, SortedDictionary<string, long> errors, SortedDictionary<string, long> retries, CancellationToken cancellationToken)
    {
        long shed = 0;
        var clock = Stopwatch.StartNew();
        foreach (var agent in agents)
        {
            agent.PowerCycle();
        }

        long served = 0;
        using var progress = ProgressLine.Start("storm: served", () => Interlocked.Read(ref served), agents.Count, cancellationToken);
        await Parallel.ForEachAsync(agents, new ParallelOptions { MaxDegreeOfParallelism = Math.Min(agents.Count, 4096), CancellationToken = cancellationToken }, async (agent, ct) =>
        {
            var attempts = 0;
            while (true)
            {
                var outcome = await agent.RunSessionAsync(ct).ConfigureAwait(false);
                if (outcome.Success)
                {
                    Interlocked.Increment(ref served);
                    return;
                }

                if (outcome.ErrorKind == "busy")
                {
                    Interlocked.Increment(ref shed);
                    await Task.Delay(outcome.RetryAfter ?? TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
                    continue;
                }

                // A connection that could not be made or timed out: a CPE retries with the TR-069 §3.2.1.1 back-off
                // (5–10 s, doubling). Counted apart from the errors, and an error only if it never gets through.
                if (outcome.ErrorKind is "connect" or "timeout" or "http" && ++attempts < 8)
                {
                    lock (retries)
                    {
                        retries[outcome.ErrorKind] = retries.GetValueOrDefault(outcome.ErrorKind) + 1;
                    }

                    var wait = 5 * Math.Pow(2, attempts - 1);
                    await Task.Delay(TimeSpan.FromSeconds(wait + (Random.Shared.NextDouble() * wait)), ct).ConfigureAwait(false);
                    continue;
                }

                lock (errors)
                {
                    errors[outcome.ErrorKind ?? "unknown"] = errors.GetValueOrDefault(outcome.ErrorKind ?? "unknown") + 1;
                }

                return;
            }
        }).ConfigureAwait(false);
        return (clock.Elapsed.TotalSeconds, shed);
    }
}
