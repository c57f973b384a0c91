using Palisade.Cpe.Agent;

namespace Palisade.Bench.Fleet;

/// <summary>
/// One side of alternating closed-loop turns (<see cref="PeriodicPhases.AlternateAsync"/>): a fleet, the server(s) it
/// drives measured in <see cref="Turns"/>, its failed sessions and what is queued before each session (null: nothing).
/// </summary>
internal sealed record TurnSide(string Name, IReadOnlyList<CpeAgent> Agents, Turns Turns, SortedDictionary<string, long> Errors, Func<CpeAgent, Task>? Before);
