using Npgsql;

namespace Palisade.Storage.Postgres;

/// <summary>What <see cref="PgSessionCommit.Add"/> added that the caller checks or remembers after the batch has run.</summary>
/// <param name="TaskUpdates">The task outcomes' commands, each of which must have touched its one row.</param>
/// <param name="Interning">The paths the batch interns, remembered once it has committed; null when all were known.</param>
internal sealed record CommitStatements(List<(NpgsqlBatchCommand Command, long TaskId)> TaskUpdates, string[]? Interning);
