using Palisade.Acs.Access;
using Palisade.Acs.Provisioning.Declarations;
using Palisade.Acs.Provisioning.Scripts;
using Palisade.Acs.Storage;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Values;

namespace Palisade.Acs.Provisioning;

/// <summary>What a script would do on one device, from what the ACS knows of it, without touching the device.</summary>
/// <param name="Fault">The script's fault (code and message), or null.</param>
/// <param name="Log">What it logged.</param>
/// <param name="Fetch">Parameters it would first read or list from the device (its next round needs them).</param>
/// <param name="Writes">What it would change: RPCs and tags, one line each.</param>
public sealed record DryRunReport(string? Fault, IReadOnlyList<string> Log, IReadOnlyList<string> Fetch, IReadOnlyList<string> Writes);

/// <summary>
/// Runs a provision once, in the sandbox, against a device's stored parameters and tags, and reports its first round:
/// the data it would fetch or the writes it would make. Nothing is written to the device or the store, and no
/// extension is called (a script that calls <c>ext()</c> reports the call as something it would fetch).
/// </summary>
public sealed class ProvisioningDryRun(IDeviceRegistry registry, ScriptLimits limits, TimeProvider time)
{
    private readonly ScriptSandbox _sandbox = new(limits);
    private readonly ScriptCompiler _compiler = new(limits);

    /// <summary>Runs <paramref name="body"/> (a provision named <paramref name="name"/>) against the device <paramref name="deviceId"/>.</summary>
    public async Task<DryRunReport> RunAsync(Caller caller, string deviceId, string name, string body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        // It runs code the caller wrote: as much as saving it would (write-provisioning), and reading the device.
        caller.Demand(Permission.WriteProvisioning);
        caller.Demand(Permission.ReadDevices);
        var device = await ScopedReads.DeviceAsync(registry, caller, deviceId, cancellationToken).ConfigureAwait(false);
        var view = new Declarations.DeviceView(device.DataModelRoot?.TrimEnd('.'));
        foreach (var p in await registry.GetParametersAsync(device.Id, null, cancellationToken).ConfigureAwait(false))
        {
            view.Apply(p, p.ReadAt?.ToUnixTimeMilliseconds() ?? 0);
        }

        view.MarkLoaded(null);
        var tags = await registry.GetTagsAsync(device.Id, cancellationToken).ConfigureAwait(false);
        ViewLoader.Complete(view, device, tags);
        var script = _compiler.Compile(name, body);
        var channel = new ChannelState("dry-run", [(script, "[]")], hadFault: false);
        var run = new ProvisioningRun(view, _sandbox, new SandboxContext(device.Id.ToString(), time.GetUtcNow()), new SessionChanges(device))
        {
            Cancellation = cancellationToken,
        };
        var (needs, writes) = ChannelEvaluator.Evaluate(run, channel);
        var fetch = needs is null ? [] : needs.Read.Select(p => "read " + p).Concat(needs.List.Select(p => "list " + p)).Concat(needs.Load.Select(p => "virtual parameter " + p)).Concat(needs.Ext.Keys.Select(k => "ext " + k)).ToList();
        var lines = new List<string>();
        if (writes is not null)
        {
            foreach (var (request, _) in writes.Rpcs)
            {
                lines.AddRange(Describe(request));
            }

            lines.AddRange(writes.Tags.Select(t => (t.Present ? "add tag " : "remove tag ") + t.Tag));
        }

        return new DryRunReport(channel.Fault is { } f ? f.Code + ": " + f.Message : null, channel.Log, fetch, lines);
    }

    private static IEnumerable<string> Describe(CwmpMessage request) => request switch
    {
        SetParameterValuesRequest spv => spv.ParameterList.Select(p => $"set {p.Name} = {(SecretParameters.IsSecret(p.Name) ? "(secret)" : p.Value.Text)} ({p.Value.TypeName})"),
        AddObjectRequest add => ["add an instance to " + add.ObjectName],
        DeleteObjectRequest delete => ["delete " + delete.ObjectName],
        RebootRequest => ["reboot"],
        FactoryResetRequest => ["factory reset"],
        _ => [request.GetType().Name.Replace("Request", string.Empty, StringComparison.Ordinal)],
    };
}
