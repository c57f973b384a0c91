using Microsoft.Data.Sqlite;
using Palisade.Acs.Campaigns;
using Palisade.Acs.Devices;
using Palisade.Acs.Storage;
using static Palisade.Storage.Sqlite.SqliteDatabase;

namespace Palisade.Storage.Sqlite;

/// <summary>
/// Campaigns in the embedded store. Every write runs under the single writer's lock in one transaction, which is what
/// makes each decision (start devices, advance, halt) happen once; the partial unique index keeps a device in one
/// campaign that holds devices.
/// </summary>
internal sealed class SqliteCampaignStore(SqliteDatabase db) : ICampaignStore
{
    private const string Columns = "id, name, file_name, file_sha256, version, filter, plan, state, halt_reason, stage, created_at, created_by, updated_at";
    private const string DeviceColumns = "campaign, device_id, stage, state, reason, task_id, started_at, finished_at";
    private const string Holding = "(0, 1, 2, 3)";

    /// <inheritdoc />
    public Task<long> CreateCampaignAsync(Campaign campaign, IReadOnlyList<(string DeviceId, int Stage)> devices, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        ArgumentNullException.ThrowIfNull(devices);
        return db.WriteAsync(transaction =>
        {
            using var insert = Command(transaction, "INSERT INTO campaigns (name, file_name, file_sha256, version, filter, plan, state, halt_reason, stage, created_at, created_by, updated_at) " +
                "VALUES ($name, $file, $sha, $version, $filter, $plan, $state, NULL, 0, $at, $by, $at) RETURNING id");
            insert.Parameters.AddWithValue("$name", campaign.Name);
            insert.Parameters.AddWithValue("$file", campaign.FileName);
            insert.Parameters.AddWithValue("$sha", campaign.FileSha256);
            insert.Parameters.AddWithValue("$version", campaign.Version);
            insert.Parameters.AddWithValue("$filter", (object?)campaign.Filter ?? DBNull.Value);
            insert.Parameters.AddWithValue("$plan", CampaignPlanJson.Serialize(campaign.Plan));
            insert.Parameters.AddWithValue("$state", (int)campaign.State);
            insert.Parameters.AddWithValue("$at", campaign.CreatedAt.ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("$by", campaign.CreatedBy);
            var id = (long)insert.ExecuteScalar()!;
            using var row = Command(transaction, "INSERT INTO campaign_devices (campaign, device_id, stage, state, active) VALUES ($campaign, $device, $stage, 0, $active)");
            var device = row.Parameters.Add("$device", SqliteType.Text);
            var stage = row.Parameters.Add("$stage", SqliteType.Integer);
            row.Parameters.AddWithValue("$campaign", id);
            row.Parameters.AddWithValue("$active", CampaignStates.HoldsDevices(campaign.State) ? 1 : 0);
            foreach (var (deviceId, stageOf) in devices)
            {
                device.Value = deviceId;
                stage.Value = stageOf;
                try
                {
                    row.ExecuteNonQuery();
                }
                catch (SqliteException e) when (e.SqliteErrorCode == 19)
                {
                    throw new StoreException(StoreErrorReason.Rejected, $"Device {deviceId} is already in another campaign (or listed twice); nothing was written.", e);
                }
            }

            return id;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Campaign?> GetCampaignAsync(long id, CancellationToken cancellationToken) =>
        db.ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {Columns} FROM campaigns WHERE id = $id";
            command.Parameters.AddWithValue("$id", id);
            using var r = command.ExecuteReader();
            return r.Read() ? Read(r) : null;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<Campaign>> ListCampaignsAsync(long? before, int limit, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<Campaign>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {Columns} FROM campaigns WHERE id < $before ORDER BY id DESC LIMIT $limit";
            command.Parameters.AddWithValue("$before", before ?? long.MaxValue);
            command.Parameters.AddWithValue("$limit", Math.Clamp(limit, 1, 1000));
            using var r = command.ExecuteReader();
            var list = new List<Campaign>();
            while (r.Read())
            {
                list.Add(Read(r));
            }

            return list;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<long>> CampaignIdsAsync(CampaignState state, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<long>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT id FROM campaigns WHERE state = $state ORDER BY id";
            command.Parameters.AddWithValue("$state", (int)state);
            using var r = command.ExecuteReader();
            var ids = new List<long>();
            while (r.Read())
            {
                ids.Add(r.GetInt64(0));
            }

            return ids;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<CampaignProgress> GetCampaignProgressAsync(long id, int stages, CancellationToken cancellationToken) =>
        db.ReadAsync(connection =>
        {
            var counts = new int[Math.Max(stages, 0), 4];
            var last = new long?[Math.Max(stages, 0)];
            using (var command = connection.CreateCommand())
            {
                command.CommandText = "SELECT stage, state, count(*), max(finished_at) FROM campaign_devices WHERE campaign = $id GROUP BY stage, state";
                command.Parameters.AddWithValue("$id", id);
                using var r = command.ExecuteReader();
                while (r.Read())
                {
                    var stage = r.GetInt32(0);
                    if (stage < stages)
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
            using (var command = connection.CreateCommand())
            {
                command.CommandText = "SELECT reason, count(*) FROM campaign_devices WHERE campaign = $id AND state = 3 GROUP BY reason";
                command.Parameters.AddWithValue("$id", id);
                using var r = command.ExecuteReader();
                while (r.Read())
                {
                    reasons[r.IsDBNull(0) ? "unknown" : r.GetString(0)] = r.GetInt32(1);
                }
            }

            return new CampaignProgress(
                [.. Enumerable.Range(0, Math.Max(stages, 0)).Select(s => new CampaignStageProgress(s, counts[s, 0], counts[s, 1], counts[s, 2], counts[s, 3], last[s] is { } at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : null))],
                reasons);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<CampaignDevice>> ListCampaignDevicesAsync(long id, CampaignDeviceState? state, string? after, int limit, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<CampaignDevice>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {DeviceColumns} FROM campaign_devices WHERE campaign = $id AND ($state IS NULL OR state = $state) AND device_id > $after ORDER BY device_id LIMIT $limit";
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$state", state is { } s ? (int)s : DBNull.Value);
            command.Parameters.AddWithValue("$after", after ?? string.Empty);
            command.Parameters.AddWithValue("$limit", Math.Clamp(limit, 1, 10_000));
            using var r = command.ExecuteReader();
            var list = new List<CampaignDevice>();
            while (r.Read())
            {
                list.Add(ReadDevice(r));
            }

            return list;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> SetCampaignStateAsync(long id, CampaignState from, CampaignState to, string? haltReason, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.WriteAsync(transaction =>
        {
            using var update = Command(transaction, "UPDATE campaigns SET state = $to, halt_reason = $reason, updated_at = $now WHERE id = $id AND state = $from");
            update.Parameters.AddWithValue("$to", (int)to);
            update.Parameters.AddWithValue("$reason", (object?)haltReason ?? DBNull.Value);
            update.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            update.Parameters.AddWithValue("$id", id);
            update.Parameters.AddWithValue("$from", (int)from);
            if (update.ExecuteNonQuery() == 0)
            {
                return false;
            }

            if (to == CampaignState.Aborted)
            {
                CancelQueuedTasks(transaction, id, "state = 1", now);
            }

            if (!CampaignStates.HoldsDevices(to))
            {
                using var release = Command(transaction, "UPDATE campaign_devices SET active = 0 WHERE campaign = $id AND active = 1");
                release.Parameters.AddWithValue("$id", id);
                release.ExecuteNonQuery();
            }

            return true;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> AdvanceCampaignStageAsync(long id, int from, int stages, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.WriteAsync(transaction =>
        {
            var last = from + 1 >= stages;
            using var update = Command(transaction, "UPDATE campaigns SET stage = $next, state = $state, updated_at = $now WHERE id = $id AND state = 1 AND stage = $from");
            update.Parameters.AddWithValue("$next", last ? from : from + 1);
            update.Parameters.AddWithValue("$state", (int)(last ? CampaignState.Completed : CampaignState.Running));
            update.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            update.Parameters.AddWithValue("$id", id);
            update.Parameters.AddWithValue("$from", from);
            if (update.ExecuteNonQuery() == 0)
            {
                return false;
            }

            if (last)
            {
                using var release = Command(transaction, "UPDATE campaign_devices SET active = 0 WHERE campaign = $id AND active = 1");
                release.Parameters.AddWithValue("$id", id);
                release.ExecuteNonQuery();
            }

            return true;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<CampaignDevice>> StartCampaignDevicesAsync(long id, int max, int maxInProgress, NewTask download, IReadOnlyCollection<string>? only, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(download);
        return db.WriteAsync<IReadOnlyList<CampaignDevice>>(transaction =>
        {
            using var campaign = Command(transaction, "SELECT stage, (SELECT count(*) FROM campaign_devices WHERE campaign = $id AND state = 1) FROM campaigns WHERE id = $id AND state = 1");
            campaign.Parameters.AddWithValue("$id", id);
            int stage, inProgress;
            using (var r = campaign.ExecuteReader())
            {
                if (!r.Read())
                {
                    return [];
                }

                stage = r.GetInt32(0);
                inProgress = r.GetInt32(1);
            }

            var room = Math.Min(max, maxInProgress - inProgress);
            if (room <= 0)
            {
                return [];
            }

            var candidates = new List<(string Device, int Stage)>();
            using (var select = Command(transaction, "SELECT device_id, stage FROM campaign_devices WHERE campaign = $id AND state = 0 AND stage <= $stage " +
                (only is null ? string.Empty : "AND device_id IN (SELECT value FROM json_each($only)) ") + "ORDER BY stage, device_id LIMIT $room"))
            {
                select.Parameters.AddWithValue("$id", id);
                if (only is not null)
                {
                    select.Parameters.AddWithValue("$only", System.Text.Json.JsonSerializer.Serialize<IReadOnlyList<string>>([.. only], ProvisioningJson.Default.IReadOnlyListString));
                }

                select.Parameters.AddWithValue("$stage", stage);
                select.Parameters.AddWithValue("$room", room);
                using var r = select.ExecuteReader();
                while (r.Read())
                {
                    candidates.Add((r.GetString(0), r.GetInt32(1)));
                }
            }

            var started = new List<CampaignDevice>();
            using var mark = Command(transaction, "UPDATE campaign_devices SET state = $state, reason = $reason, task_id = $task, started_at = $now, finished_at = $finished WHERE campaign = $id AND device_id = $device");
            mark.Parameters.AddWithValue("$id", id);
            mark.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            var state = mark.Parameters.Add("$state", SqliteType.Integer);
            var reason = mark.Parameters.Add("$reason", SqliteType.Text);
            var task = mark.Parameters.Add("$task", SqliteType.Integer);
            var finished = mark.Parameters.Add("$finished", SqliteType.Integer);
            var device = mark.Parameters.Add("$device", SqliteType.Text);
            foreach (var (deviceId, deviceStage) in candidates)
            {
                device.Value = deviceId;
                var rowId = DeviceId.TryParse(deviceId, out var parsed) ? DeviceRowId(transaction, parsed) : null;
                if (rowId is null)
                {
                    state.Value = (int)CampaignDeviceState.Failed;
                    reason.Value = CampaignFailures.Gone;
                    task.Value = DBNull.Value;
                    finished.Value = now.ToUnixTimeMilliseconds();
                    mark.ExecuteNonQuery();
                    continue;
                }

                var taskId = TaskRows.InsertTask(transaction, rowId.Value, download);
                state.Value = (int)CampaignDeviceState.InProgress;
                reason.Value = DBNull.Value;
                task.Value = taskId;
                finished.Value = DBNull.Value;
                mark.ExecuteNonQuery();
                started.Add(new CampaignDevice(id, deviceId, deviceStage, CampaignDeviceState.InProgress, null, taskId, now, null));
            }

            return started;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<CampaignCandidate>> PendingCampaignDevicesAsync(long id, int stage, CampaignCandidate? after, int limit, IReadOnlyList<string> localTimePaths, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(localTimePaths);
        return db.ReadAsync<IReadOnlyList<CampaignCandidate>>(connection =>
        {
            // The (campaign, state, stage) index holds the key's device_id too (WITHOUT ROWID), so the page is a range of it.
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT c.device_id, c.stage, (SELECT p.value FROM parameters p WHERE p.device = d.rowid " +
                "AND p.path IN (SELECT n.id FROM paths n WHERE n.path IN (SELECT value FROM json_each($paths))) LIMIT 1) " +
                "FROM campaign_devices c LEFT JOIN devices d ON d.id = c.device_id " +
                "WHERE c.campaign = $id AND c.state = 0 AND c.stage <= $stage AND (c.stage, c.device_id) > ($afterStage, $afterDevice) " +
                "ORDER BY c.stage, c.device_id LIMIT $limit";
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$stage", stage);
            command.Parameters.AddWithValue("$afterStage", after?.Stage ?? -1);
            command.Parameters.AddWithValue("$afterDevice", after?.DeviceId ?? string.Empty);
            command.Parameters.AddWithValue("$limit", limit);
            command.Parameters.AddWithValue("$paths", System.Text.Json.JsonSerializer.Serialize(localTimePaths, ProvisioningJson.Default.IReadOnlyListString));
            using var r = command.ExecuteReader();
            var candidates = new List<CampaignCandidate>();
            while (r.Read())
            {
                candidates.Add(new CampaignCandidate(r.GetString(0), r.GetInt32(1), r.IsDBNull(2) ? null : r.GetString(2)));
            }

            return candidates;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<CampaignDevice?> GetActiveCampaignDeviceAsync(string deviceId, CancellationToken cancellationToken) =>
        db.ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {DeviceColumns} FROM campaign_devices WHERE device_id = $device AND active = 1";
            command.Parameters.AddWithValue("$device", deviceId);
            using var r = command.ExecuteReader();
            return r.Read() ? ReadDevice(r) : null;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> FinishCampaignDeviceAsync(long id, string deviceId, string? failure, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.WriteAsync(transaction =>
        {
            using var update = Command(transaction, "UPDATE campaign_devices SET state = $state, reason = $reason, finished_at = $now WHERE campaign = $id AND device_id = $device AND state = 1");
            update.Parameters.AddWithValue("$state", (int)(failure is null ? CampaignDeviceState.Succeeded : CampaignDeviceState.Failed));
            update.Parameters.AddWithValue("$reason", (object?)failure ?? DBNull.Value);
            update.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            update.Parameters.AddWithValue("$id", id);
            update.Parameters.AddWithValue("$device", deviceId);
            return update.ExecuteNonQuery() == 1;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<int> ExpireCampaignDevicesAsync(long id, DateTimeOffset startedBefore, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.WriteAsync(transaction =>
        {
            const string Late = "state = 1 AND started_at < $before";
            using var update = Command(transaction, $"UPDATE campaign_devices SET state = 3, finished_at = $now, reason = CASE WHEN " +
                "(SELECT status FROM tasks WHERE tasks.id = campaign_devices.task_id) IS NOT 1 THEN $timeout ELSE $noReturn END " +
                $"WHERE campaign = $id AND {Late}");
            CancelQueuedTasks(transaction, id, Late, now, startedBefore);
            update.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            update.Parameters.AddWithValue("$timeout", CampaignFailures.Timeout);
            update.Parameters.AddWithValue("$noReturn", CampaignFailures.NoReturn);
            update.Parameters.AddWithValue("$id", id);
            update.Parameters.AddWithValue("$before", startedBefore.ToUnixTimeMilliseconds());
            return update.ExecuteNonQuery();
        }, cancellationToken);

    /// <inheritdoc />
    public Task<int> RetryFailedCampaignDevicesAsync(long id, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.WriteAsync(transaction =>
        {
            using var update = Command(transaction, "UPDATE campaign_devices SET state = 0, reason = NULL, task_id = NULL, started_at = NULL, finished_at = NULL " +
                $"WHERE campaign = $id AND state = 3 AND EXISTS (SELECT 1 FROM campaigns c WHERE c.id = $id AND c.state IN {Holding})");
            update.Parameters.AddWithValue("$id", id);
            return update.ExecuteNonQuery();
        }, cancellationToken);

    /// <inheritdoc />
    public Task<string?> CampaignUsingFileAsync(string fileName, CancellationToken cancellationToken) =>
        db.ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT name FROM campaigns WHERE file_name = $file AND state IN {Holding} ORDER BY id LIMIT 1";
            command.Parameters.AddWithValue("$file", fileName);
            return command.ExecuteScalar() as string;
        }, cancellationToken);

    // The queued download tasks of the campaign's devices matching `where` are cancelled: nothing of an aborted
    // campaign (or of a device given up on) reaches a device afterwards.
    private static void CancelQueuedTasks(SqliteTransaction transaction, long id, string where, DateTimeOffset now, DateTimeOffset? before = null)
    {
        using var cancel = Command(transaction, "UPDATE tasks SET status = $cancelled, updated_at = $now WHERE status = $queued AND id IN " +
            $"(SELECT task_id FROM campaign_devices WHERE campaign = $id AND task_id IS NOT NULL AND {where})");
        cancel.Parameters.AddWithValue("$cancelled", (int)DeviceTaskStatus.Cancelled);
        cancel.Parameters.AddWithValue("$queued", (int)DeviceTaskStatus.Queued);
        cancel.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        cancel.Parameters.AddWithValue("$id", id);
        cancel.Parameters.AddWithValue("$before", (before ?? now).ToUnixTimeMilliseconds());
        cancel.ExecuteNonQuery();
    }

    private static Campaign Read(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5),
        CampaignPlanJson.Parse(r.GetString(6)), (CampaignState)r.GetInt32(7), r.IsDBNull(8) ? null : r.GetString(8), r.GetInt32(9),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(10)), r.GetString(11), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(12)));

    private static CampaignDevice ReadDevice(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetInt32(2), (CampaignDeviceState)r.GetInt32(3), r.IsDBNull(4) ? null : r.GetString(4),
        r.IsDBNull(5) ? null : r.GetInt64(5), r.IsDBNull(6) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(6)),
        r.IsDBNull(7) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(7)));
}
