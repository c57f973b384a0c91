using Palisade.Cpe.Agent;

namespace Palisade.Bench.Fleet.Scenarios;

/// <summary>
/// One scenario of the fleet benchmark. Every scenario runs in the same frame (<see cref="FleetBenchmark"/>): a fresh
/// server, the fleet registered through the bootstrap path, then the periodic phases (closed-loop turns against Palisade
/// and the baseline, then an open loop at half the rate). A scenario changes the frame only at the points below; a new
/// one is a file of its own in this folder and a line in <see cref="FleetScenarios"/>.
/// </summary>
internal interface IFleetScenario
{
    /// <summary>Its <c>--scenario</c> name.</summary>
    string Name { get; }

    /// <summary>What it does, for <c>--help</c> (after the name, in parentheses; empty for none).</summary>
    string Help { get; }

    /// <summary>Tasks queued for each periodic session when <c>--tasks</c> is not given.</summary>
    int DefaultTasksPerSession => 0;

    /// <summary>Parameters per device when <c>--parameters</c> is not given (0: the gateway profile's).</summary>
    int DefaultParameters => 0;

    /// <summary>Why <c>--tasks</c> does not apply to it (null: it does).</summary>
    string? RefusesTasks => null;

    /// <summary>How each device is registered (null: one session, run again after each 503 until served).</summary>
    Registration? Registration(BenchRun run) => null;

    /// <summary>A phase of its own between the registration and the periodic phases.</summary>
    Task AfterRegistrationAsync(BenchRun run) => Task.CompletedTask;
}

/// <summary>A scenario's registration of one device: its sessions, how many they count for, what the log line adds.</summary>
internal sealed record Registration(Func<CpeAgent, CancellationToken, Task<SessionOutcome>> Session, int SessionsPerDevice, string Done);
