using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Palisade.Acs.Access;
using Palisade.Acs.Audit;
using Palisade.Acs.Auth;
using Palisade.Acs.Devices;
using Palisade.Acs.Services;
using Palisade.Acs.Storage;
using Palisade.Acs.Tasks;

namespace Palisade.Acs.FactoryCredentials;

/// <summary>
/// Registers CPEs that left the factory with credentials of their own (<c>palisade devices import</c>, <c>POST
/// /api/v1/devices/import</c>): each authenticates with its own credential from its first session, no bootstrap
/// credential and no enrollment. A device imported with <c>rotate=false</c> is tagged <see cref="FixedTag"/>: the ACS
/// never sends it a new credential and the posture lists it; with <c>rotate=true</c> a rotateCredentials task is queued
/// for its first session. All or nothing: a bad line, a duplicate or a device already registered leaves the store as
/// it was. Needs the management permission (the file holds the fleet's credentials); audited without secrets.
/// </summary>
public sealed class DeviceImportService(IDeviceRegistry registry, ITaskStore tasks, AuditService audit, string realm, TimeProvider time)
{
    /// <summary>The tag of devices whose credential the ACS must never change.</summary>
    public const string FixedTag = "credential-never-rotated";

    /// <summary>The largest file accepted (100,000 devices at ~200 bytes).</summary>
    public const int MaxBytes = 32 * 1024 * 1024;

    /// <summary>Imports the devices of <paramref name="csv"/>; returns how many were imported and how many will rotate.</summary>
    public async Task<DeviceImportResult> ImportAsync(Caller caller, string csv, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(csv);
        caller.Demand(Permission.WriteManagementServer);
        if (caller.DeviceScope is not null)
        {
            throw ServiceException.Forbidden("A key limited to a device filter cannot import devices.");
        }

        var devices = FactoryCredentialFile.Parse(csv, out var errors);
        if (errors.Count == 0)
        {
            var clashes = new List<string>();
            foreach (var device in devices)
            {
                if (await registry.GetDeviceAsync(device.Id, cancellationToken).ConfigureAwait(false) is not null)
                {
                    clashes.Add($"line {device.Line}: device '{device.Id}' is already registered.");
                }
            }

            errors = clashes;
        }

        if (errors.Count > 0)
        {
            throw ServiceException.Invalid("file", $"Nothing was imported ({errors.Count} problem{(errors.Count == 1 ? "" : "s")}): " + string.Join(" ", errors.Take(20)) + (errors.Count > 20 ? $" … and {errors.Count - 20} more." : string.Empty));
        }

        var now = time.GetUtcNow();
        var records = devices.Select(d => new ImportedDevice(
            new Device
            {
                Id = d.Id,
                RegisteredAt = now,
                Credentials = DeviceAuthenticator.CredentialsFor(realm, d.Username, d.Password),
                ConnectionRequest = d.ConnectionRequestUsername is null ? null : new ConnectionRequestEndpoint(string.Empty, d.ConnectionRequestUsername, d.ConnectionRequestPassword, null),
            },
            d.Rotate ? [] : [FixedTag])).ToList();
        try
        {
            await registry.ImportDevicesAsync(records, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreException e) when (e.Reason == StoreErrorReason.Rejected)
        {
            // A session or another import registered one of them meanwhile, or it is blocked.
            throw ServiceException.Conflict(e.Message);
        }

        var rotating = 0;
        foreach (var device in devices.Where(d => d.Rotate))
        {
            await tasks.AddTaskAsync(device.Id, new NewTask("rotateCredentials", TaskJson.Serialize(new RotateCredentialsTask()), now, now.AddDays(90)), cancellationToken).ConfigureAwait(false);
            rotating++;
        }

        await audit.RecordAsync(caller, "device.import", "file:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(csv)))[..16], new JsonObject
        {
            ["devices"] = devices.Count,
            ["rotating"] = rotating,
            ["neverRotated"] = devices.Count - rotating,
            ["first"] = devices[0].Id.ToString(),
        }).ConfigureAwait(false);
        return new DeviceImportResult(devices.Count, rotating);
    }
}
