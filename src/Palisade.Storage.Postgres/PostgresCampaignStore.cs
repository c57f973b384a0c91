using Npgsql;
using NpgsqlTypes;
using Palisade.Acs.Campaigns;
using Palisade.Acs.Storage;
using static Palisade.Storage.Postgres.PostgresDatabase;

namespace Palisade.Storage.Postgres;

/// <summary>
/// Campaigns in PostgreSQL. A decision that must happen once across nodes (starting devices within the concurrency
/// cap, advancing a stage, halting) is a compare-and-set on the campaign's row, and starting devices holds that row
/// locked (<c>FOR UPDATE</c>) for its transaction, so two nodes never start the same device or exceed the cap.
/// </summary>
internal sealed class PostgresCampaignStore(PostgresDatabase db) : ICampaignStore
{
    private const string Columns = "id, name, file_name, file_sha256, version, filter, plan, state, halt_reason, stage, created_at, created_by, updated_at";
    private const string DeviceColumns = "campaign, device_id, stage, state, reason, task_id, started_at, finished_at";
    private const string Holding = "(0, 1, 2, 3)";

    /// <inheritdoc />
    public Task<long> CreateCampaignAsync(Campaign campaign, IReadOnlyList<(string DeviceId, int Stage)> devices, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        ArgumentNullException.ThrowIfNull(devices);
        return db.WriteAsync(async (connection, transaction) =>
        {
            await using var insert = Command(connection, transaction, "INSERT INTO campaigns (name, file_name, file_sha256, version, filter, plan, state, halt_reason, stage, created_at, created_by, updated_at) " +
                "VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, 0, $8, $9, $8) RETURNING id").With(
                Parameters.Text(campaign.Name), Parameters.Text(campaign.FileName), Parameters.Text(campaign.FileSha256), Parameters.Text(campaign.Version),
                Parameters.Text(campaign.Filter), Parameters.Text(CampaignPlanJson.Serialize(campaign.Plan)), Parameters.Int((int)campaign.State),
                Parameters.Time(campaign.CreatedAt), Parameters.Text(campaign.CreatedBy));
            var id = (long)(await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            await using var rows = Command(connection, transaction, "INSERT INTO campaign_devices (campaign, device_id, stage, state, active) SELECT $1, d, s, 0, $2 FROM unnest($3::text[], $4::integer[]) AS t(d, s)").With(
                Parameters.Long(id), Parameters.Bool(CampaignStates.HoldsDevices(campaign.State)),
                Parameters.Array(NpgsqlDbType.Text, devices.Select(d => d.DeviceId).ToArray()), Parameters.Array(NpgsqlDbType.Integer, devices.Select(d => d.Stage).ToArray()));
            try
            {
                await rows.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                throw new StoreException(StoreErrorReason.Rejected, "A device is already in another campaign (or listed twice); nothing was written.", e);
            }

            return id;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Campaign?> GetCampaignAsync(long id, CancellationToken cancellationToken) =>
        db.ReadAsync(async connection =>
        {
            await using var command = Command(connection, null, $"SELECT {Columns} FROM campaigns WHERE id = $1").With(Parameters.Long(id));
            await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await r.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(r) : null;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<Campaign>> ListCampaignsAsync(long? before, int limit, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<Campaign>>(async connection =>
        {
            await using var command = Command(connection, null, $"SELECT {Columns} FROM campaigns WHERE id < $1 ORDER BY id DESC LIMIT $2")
                .With(Parameters.Long(before ?? long.MaxValue), Parameters.Int(Math.Clamp(limit, 1, 1000)));
            await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var list = new List<Campaign>();
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                list.Add(Read(r));
            }

            return list;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<long>> CampaignIdsAsync(CampaignState state, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<long>>(async connection =>
        {
            await using var command = Command(connection, null, "SELECT id FROM campaigns WHERE state = $1 ORDER BY id").With(Parameters.Int((int)state));
            await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var ids = new List<long>();
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                ids.Add(r.GetInt64(0));
            }

            return ids;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<CampaignProgress> GetCampaignProgressAsync(long id, int stages, CancellationToken cancellationToken) =>
        db.ReadAsync(async connection =>
        {
            var size = Math.Max(stages, 0);
            var counts = new int[size, 4];
            var last = new long?[size];
            await using (var command = Command(connection, null, "SELECT stage, state, count(*)::integer, max(finished_at) FROM campaign_devices WHERE campaign = $1 GROUP BY stage, state").With(Parameters.Long(id)))
            {
                await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var stage = r.GetInt32(0);
                    if (stage < size)
                    {
                        counts[stage, r.GetInt32(1)] = r.GetInt32(2);
                        if (!r.IsDBNull(3))
                        {
                            last[stage] = Math.Max(last[stage] ?? 0, r.GetInt64(3));
                        }
                    }
                }
            }

            var reasons = new SortedDictionary<string, int>(StringComparer.Ordinal);
            await using (var command = Command(connection, null, "SELECT reason, count(*)::integer FROM campaign_devices WHERE campaign = $1 AND state = 3 GROUP BY reason").With(Parameters.Long(id)))
            {
                await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    reasons[r.IsDBNull(0) ? "unknown" : r.GetString(0)] = r.GetInt32(1);
                }
            }

            return new CampaignProgress(
                [.. Enumerable.Range(0, size).Select(s => new CampaignStageProgress(s, counts[s, 0], counts[s, 1], counts[s, 2], counts[s, 3], last[s] is { } at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : null))],
                reasons);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<CampaignDevice>> ListCampaignDevicesAsync(long id, CampaignDeviceState? state, string? after, int limit, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<CampaignDevice>>(async connection =>
        {
            await using var command = Command(connection, null, $"SELECT {DeviceColumns} FROM campaign_devices WHERE campaign = $1 AND ($2::integer IS NULL OR state = $2) AND device_id > $3 ORDER BY device_id LIMIT $4")
                .With(Parameters.Long(id), Parameters.Int(state is { } s ? (int)s : null), Parameters.Text(after ?? string.Empty), Parameters.Int(Math.Clamp(limit, 1, 10_000)));
            await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var list = new List<CampaignDevice>();
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                list.Add(ReadDevice(r));
            }

            return list;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> SetCampaignStateAsync(long id, CampaignState from, CampaignState to, string? haltReason, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            await using var update = Command(connection, transaction, "UPDATE campaigns SET state = $1, halt_reason = $2, updated_at = $3 WHERE id = $4 AND state = $5")
                .With(Parameters.Int((int)to), Parameters.Text(haltReason), Parameters.Time(now), Parameters.Long(id), Parameters.Int((int)from));
            if (await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                return false;
            }

            if (to == CampaignState.Aborted)
            {
                await CancelQueuedTasksAsync(connection, transaction, id, null, now, cancellationToken).ConfigureAwait(false);
            }

            if (!CampaignStates.HoldsDevices(to))
            {
                await ReleaseAsync(connection, transaction, id, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> AdvanceCampaignStageAsync(long id, int from, int stages, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            var last = from + 1 >= stages;
            await using var update = Command(connection, transaction, "UPDATE campaigns SET stage = $1, state = $2, updated_at = $3 WHERE id = $4 AND state = 1 AND stage = $5")
                .With(Parameters.Int(last ? from : from + 1), Parameters.Int((int)(last ? CampaignState.Completed : CampaignState.Running)), Parameters.Time(now), Parameters.Long(id), Parameters.Int(from));
            if (await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                return false;
            }

            if (last)
            {
                await ReleaseAsync(connection, transaction, id, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<CampaignDevice>> StartCampaignDevicesAsync(long id, int max, int maxInProgress, NewTask download, IReadOnlyCollection<string>? only, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(download);
        return db.WriteAsync<IReadOnlyList<CampaignDevice>>(async (connection, transaction) =>
        {
            // The campaign's row stays locked until this transaction ends: another node's start waits, then counts ours.
            int stage;
            await using (var campaign = Command(connection, transaction, "SELECT stage FROM campaigns WHERE id = $1 AND state = 1 FOR UPDATE").With(Parameters.Long(id)))
            {
                if (await campaign.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not int current)
                {
                    return [];
                }

                stage = current;
            }

            long inProgress;
            await using (var count = Command(connection, transaction, "SELECT count(*) FROM campaign_devices WHERE campaign = $1 AND state = 1").With(Parameters.Long(id)))
            {
                inProgress = (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }

            var room = (int)Math.Min(max, maxInProgress - inProgress);
            if (room <= 0)
            {
                return [];
            }

            var candidates = new List<(string Device, int Stage, long? Key)>();
            await using (var select = Command(connection, transaction, "SELECT c.device_id, c.stage, d.key FROM campaign_devices c LEFT JOIN devices d ON d.id = c.device_id " +
                "WHERE c.campaign = $1 AND c.state = 0 AND c.stage <= $2 " + (only is null ? string.Empty : "AND c.device_id = ANY($4) ") + "ORDER BY c.stage, c.device_id LIMIT $3")
                .With(Parameters.Long(id), Parameters.Int(stage), Parameters.Int(room)))
            {
                if (only is not null)
                {
                    select.Parameters.Add(Parameters.Array(NpgsqlDbType.Text, only.ToArray()));
                }

                await using var r = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    candidates.Add((r.GetString(0), r.GetInt32(1), r.IsDBNull(2) ? null : r.GetInt64(2)));
                }
            }

            var started = new List<CampaignDevice>();
            foreach (var (deviceId, deviceStage, key) in candidates)
            {
                long? taskId = null;
                if (key is { } k)
                {
                    await using var insert = Command(connection, transaction, PgTaskRows.Insert).With(PgTaskRows.InsertParameters(k, download));
                    taskId = (long)(await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                }

                await using var mark = Command(connection, transaction, "UPDATE campaign_devices SET state = $1, reason = $2, task_id = $3, started_at = $4, finished_at = $5 WHERE campaign = $6 AND device_id = $7")
                    .With(Parameters.Int(taskId is null ? (int)CampaignDeviceState.Failed : (int)CampaignDeviceState.InProgress), Parameters.Text(taskId is null ? CampaignFailures.Gone : null),
                        Parameters.Long(taskId), Parameters.Time(now), Parameters.Time(taskId is null ? now : null), Parameters.Long(id), Parameters.Text(deviceId));
                await mark.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                if (taskId is not null)
                {
                    started.Add(new CampaignDevice(id, deviceId, deviceStage, CampaignDeviceState.InProgress, null, taskId, now, null));
                }
            }

            return started;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<CampaignCandidate>> PendingCampaignDevicesAsync(long id, int stage, CampaignCandidate? after, int limit, IReadOnlyList<string> localTimePaths, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(localTimePaths);
        return db.ReadAsync<IReadOnlyList<CampaignCandidate>>(async connection =>
        {
            // A range of the (campaign, state, stage, device_id) index: a page, never the campaign's whole device list.
            await using var command = Command(connection, null, "SELECT c.device_id, c.stage, (SELECT p.value FROM parameters p WHERE p.device = d.key " +
                "AND p.path IN (SELECT n.id FROM paths n WHERE n.path = ANY($6)) LIMIT 1) " +
                "FROM campaign_devices c LEFT JOIN devices d ON d.id = c.device_id " +
                "WHERE c.campaign = $1 AND c.state = 0 AND c.stage <= $2 AND (c.stage, c.device_id) > ($3, $4) ORDER BY c.stage, c.device_id LIMIT $5")
                .With(Parameters.Long(id), Parameters.Int(stage), Parameters.Int(after?.Stage ?? -1), Parameters.Text(after?.DeviceId ?? string.Empty), Parameters.Int(limit),
                    Parameters.Array(NpgsqlDbType.Text, localTimePaths.ToArray()));
            await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var candidates = new List<CampaignCandidate>();
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                candidates.Add(new CampaignCandidate(r.GetString(0), r.GetInt32(1), r.IsDBNull(2) ? null : r.GetString(2)));
            }

            return candidates;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<CampaignDevice?> GetActiveCampaignDeviceAsync(string deviceId, CancellationToken cancellationToken) =>
        db.ReadAsync(async connection =>
        {
            await using var command = Command(connection, null, $"SELECT {DeviceColumns} FROM campaign_devices WHERE device_id = $1 AND active").With(Parameters.Text(deviceId));
            await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await r.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadDevice(r) : null;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> FinishCampaignDeviceAsync(long id, string deviceId, string? failure, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            await using var update = Command(connection, transaction, "UPDATE campaign_devices SET state = $1, reason = $2, finished_at = $3 WHERE campaign = $4 AND device_id = $5 AND state = 1")
                .With(Parameters.Int((int)(failure is null ? CampaignDeviceState.Succeeded : CampaignDeviceState.Failed)), Parameters.Text(failure), Parameters.Time(now), Parameters.Long(id), Parameters.Text(deviceId));
            return await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<int> ExpireCampaignDevicesAsync(long id, DateTimeOffset startedBefore, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            await CancelQueuedTasksAsync(connection, transaction, id, startedBefore, now, cancellationToken).ConfigureAwait(false);
            await using var update = Command(connection, transaction, "UPDATE campaign_devices c SET state = 3, finished_at = $1, reason = CASE WHEN " +
                "(SELECT status FROM tasks t WHERE t.id = c.task_id) IS DISTINCT FROM 1 THEN $2 ELSE $3 END WHERE c.campaign = $4 AND c.state = 1 AND c.started_at < $5")
                .With(Parameters.Time(now), Parameters.Text(CampaignFailures.Timeout), Parameters.Text(CampaignFailures.NoReturn), Parameters.Long(id), Parameters.Time(startedBefore));
            return await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<int> RetryFailedCampaignDevicesAsync(long id, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            await using var update = Command(connection, transaction, "UPDATE campaign_devices SET state = 0, reason = NULL, task_id = NULL, started_at = NULL, finished_at = NULL " +
                $"WHERE campaign = $1 AND state = 3 AND EXISTS (SELECT 1 FROM campaigns c WHERE c.id = $1 AND c.state IN {Holding})").With(Parameters.Long(id));
            return await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<string?> CampaignUsingFileAsync(string fileName, CancellationToken cancellationToken) =>
        db.ReadAsync(async connection =>
        {
            await using var command = Command(connection, null, $"SELECT name FROM campaigns WHERE file_name = $1 AND state IN {Holding} ORDER BY id LIMIT 1").With(Parameters.Text(fileName));
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        }, cancellationToken);

    private static async Task ReleaseAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long id, CancellationToken cancellationToken)
    {
        await using var release = Command(connection, transaction, "UPDATE campaign_devices SET active = false WHERE campaign = $1 AND active").With(Parameters.Long(id));
        await release.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    // The queued download tasks of the campaign's in-progress devices (those started before `before`, when given) are
    // cancelled: nothing of an aborted campaign, or of a device given up on, reaches a device afterwards.
    private static async Task CancelQueuedTasksAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long id, DateTimeOffset? before, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var cancel = Command(connection, transaction, "UPDATE tasks SET status = $1, updated_at = $2 WHERE status = $3 AND id IN " +
            "(SELECT task_id FROM campaign_devices WHERE campaign = $4 AND task_id IS NOT NULL AND state = 1 AND ($5::bigint IS NULL OR started_at < $5))")
            .With(Parameters.Int((int)DeviceTaskStatus.Cancelled), Parameters.Time(now), Parameters.Int((int)DeviceTaskStatus.Queued), Parameters.Long(id), Parameters.Time(before));
        await cancel.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static Campaign Read(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5),
        CampaignPlanJson.Parse(r.GetString(6)), (CampaignState)r.GetInt32(7), r.IsDBNull(8) ? null : r.GetString(8), r.GetInt32(9),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(10)), r.GetString(11), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(12)));

    private static CampaignDevice ReadDevice(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetInt32(2), (CampaignDeviceState)r.GetInt32(3), r.IsDBNull(4) ? null : r.GetString(4),
        r.IsDBNull(5) ? null : r.GetInt64(5), r.IsDBNull(6) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(6)),
        r.IsDBNull(7) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(7)));
}
