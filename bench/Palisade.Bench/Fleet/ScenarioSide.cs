using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Palisade.Bench.Fleet.Scenarios;
using Palisade.Cpe.Model;
using Palisade.Cpe.Simulation;
using Spectre.Console;

namespace Palisade.Bench.Fleet;

/// <summary>
/// The second server of <c>fleet --scenario both</c>: a <c>palisade serve</c> of its own (a fresh data folder, the first
/// server's options) set up and registered as another scenario does it (provision: its scripts and presets stored
/// first), with a fleet of the same size, so that its closed-loop turns alternate with the first server's in one process.
/// </summary>
internal sealed class ScenarioSide : IAsyncDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("palisade-bench-").FullName;
    private TaskQueue? _queue;
    private ServerProcess? _server;
    private FleetSimulator? _fleet;

    private ScenarioSide()
    {
    }

    /// <summary>Its fleet, server turns and errors, named after its scenario.</summary>
    public TurnSide Side { get; private set; } = null!;

    public double RegistrationSeconds { get; private set; }

    public static async Task<ScenarioSide> StartAsync(FleetSettings settings, DeviceProfile profile, IFleetScenario scenario, CancellationToken cancellationToken)
    {
        var side = new ScenarioSide();
        try
        {
            await side.StartAsyncCore(settings, profile, scenario, cancellationToken).ConfigureAwait(false);
            return side;
        }
        catch
        {
            await side.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task StartAsyncCore(FleetSettings settings, DeviceProfile profile, IFleetScenario scenario, CancellationToken cancellationToken)
    {
        _queue = new TaskQueue(_data);

        // No STUN port: the first server holds the default one.
        _server = await ServerProcess.StartAsync("palisade: listening cwmp=", Path.Combine(AppContext.BaseDirectory, "palisade.dll"), "serve", "--data", _data, "--cwmp-port", "0",
            "--api-port", "-1", "--files-port", "-1", "--stun-port", "-1", "--max-sessions", settings.MaxSessions.ToString(System.Globalization.CultureInfo.InvariantCulture), "--log-level", "Warning").ConfigureAwait(false);
        AnsiConsole.MarkupLineInterpolated($"palisade serve for the {scenario.Name} scenario (pid {_server.Pid}) at {_server.Url}");
        var bootstrap = (await File.ReadAllTextAsync(Path.Combine(_data, "bootstrap-credential"), cancellationToken).ConfigureAwait(false)).Trim().Split(':', 2);
        _fleet = await BenchFleets.CreateAsync(_server.Url, settings, profile, bootstrap[0], bootstrap[1], _data, cancellationToken).ConfigureAwait(false);
        var run = new BenchRun { Settings = settings, Data = _data, Server = _server, Profile = profile, Fleet = _fleet, Queue = _queue, CancellationToken = cancellationToken };
        var clock = Stopwatch.StartNew();
        var registration = scenario.Registration(run);
        var (registered, _) = await SessionLoops.ClosedLoopAsync(_fleet.Agents, settings.Concurrency, null, onePass: true, run.Errors, cancellationToken, session: registration?.Session).ConfigureAwait(false);
        RegistrationSeconds = clock.Elapsed.TotalSeconds;
        AnsiConsole.MarkupLineInterpolated($"{scenario.Name}: registered {registered} devices{registration?.Done ?? string.Empty} in {RegistrationSeconds:0.0} s");
        await scenario.AfterRegistrationAsync(run).ConfigureAwait(false);
        Side = new TurnSide(scenario.Name, _fleet.Agents, new Turns(_server), run.Errors, null);
    }

    public async ValueTask DisposeAsync()
    {
        if (_fleet is not null)
        {
            await _fleet.DisposeAsync().ConfigureAwait(false);
        }

        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }

        if (_queue is not null)
        {
            await _queue.DisposeAsync().ConfigureAwait(false);
        }

        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
