using Npgsql;

namespace Palisade.Bench.Postgres;

/// <summary>
/// What a PostgreSQL cluster wrote and read, from its statistics views: WAL records, full-page images and bytes
/// (<c>pg_stat_wal</c>, the whole cluster), checkpoints started, timed and requested (<c>pg_stat_bgwriter</c>, or
/// <c>pg_stat_checkpointer</c> from PostgreSQL 17), and the blocks one database found in shared buffers or had to read
/// from the kernel (<c>pg_stat_database</c>). Taken before and after a turn, the difference says where a session's cost
/// goes when the population grows: a page that is not in shared buffers is a read, and the first change to a page after
/// a checkpoint writes the whole page into the WAL. The statistics lag by up to a second (backends report them when
/// idle), which a turn of tens of seconds absorbs.
/// </summary>
internal sealed record PostgresActivity(long WalRecords, long WalFullPages, long WalBytes, long TimedCheckpoints, long RequestedCheckpoints, long BlocksRead, long BlocksHit)
{
    // The query, worked out on first use: PostgreSQL 17 moved the checkpoint counts from pg_stat_bgwriter to
    // pg_stat_checkpointer. One run measures one cluster.
    private static string? s_query;

    public static async Task<PostgresActivity> ReadAsync(NpgsqlDataSource source, CancellationToken cancellationToken)
    {
        if (s_query is null)
        {
            await using var version = source.CreateCommand("SELECT current_setting('server_version_num')::int");
            var checkpoints = (int)(await version.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! >= 170000
                ? "(SELECT num_timed AS timed, num_requested AS requested FROM pg_stat_checkpointer)"
                : "(SELECT checkpoints_timed AS timed, checkpoints_req AS requested FROM pg_stat_bgwriter)";
            s_query = $"""
                SELECT w.wal_records, w.wal_fpi, w.wal_bytes::bigint, c.timed, c.requested, d.blks_read, d.blks_hit
                FROM pg_stat_wal w, {checkpoints} c, pg_stat_database d WHERE d.datname = current_database()
                """;
        }

#pragma warning disable CA2100 // One of two constant texts.
        await using var command = source.CreateCommand(s_query);
#pragma warning restore CA2100
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new PostgresActivity(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6));
    }

    public static PostgresActivity operator -(PostgresActivity after, PostgresActivity before) => new(
        after.WalRecords - before.WalRecords,
        after.WalFullPages - before.WalFullPages,
        after.WalBytes - before.WalBytes,
        after.TimedCheckpoints - before.TimedCheckpoints,
        after.RequestedCheckpoints - before.RequestedCheckpoints,
        after.BlocksRead - before.BlocksRead,
        after.BlocksHit - before.BlocksHit);

    public static PostgresActivity operator +(PostgresActivity a, PostgresActivity b) => new(
        a.WalRecords + b.WalRecords,
        a.WalFullPages + b.WalFullPages,
        a.WalBytes + b.WalBytes,
        a.TimedCheckpoints + b.TimedCheckpoints,
        a.RequestedCheckpoints + b.RequestedCheckpoints,
        a.BlocksRead + b.BlocksRead,
        a.BlocksHit + b.BlocksHit);

    public static PostgresActivity None { get; } = new(0, 0, 0, 0, 0, 0, 0);

    /// <summary>KiB of WAL per session.</summary>
    public double WalKiB(long sessions) => WalBytes / 1024.0 / Math.Max(1, sessions);

    /// <summary>Full-page images per session.</summary>
    public double FullPages(long sessions) => WalFullPages / (double)Math.Max(1, sessions);

    /// <summary>Blocks read from outside shared buffers per session.</summary>
    public double Reads(long sessions) => BlocksRead / (double)Math.Max(1, sessions);

    /// <summary>One line per session: WAL bytes and full-page images, and blocks read from outside shared buffers.</summary>
    public string PerSession(long sessions) =>
        $"WAL {WalKiB(sessions):0.0} KiB/session ({FullPages(sessions):0.00} full pages), {Reads(sessions):0.00} blocks read/session ({BlocksHit / (double)Math.Max(1, sessions):0} hit), checkpoints {TimedCheckpoints} timed + {RequestedCheckpoints} by WAL size";
}
