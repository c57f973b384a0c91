using System.Globalization;
using Palisade.Acs.Provisioning.Scripts;
using Palisade.Acs.Sessions;
using Palisade.Acs.Storage;
using Palisade.Cwmp.Messages;

namespace Palisade.Acs.Provisioning;

/// <summary>
/// Applies the CPE's answer to a provisioning RPC: to the session's changes (the cache, as any answer is) and to the
/// view the next round resolves against. A fault to a shared fetch faults no channel: the names it refused count as
/// unknown, so the next round lists their parents instead. A fault to a channel's write faults that channel alone.
/// </summary>
internal static class AnswerApplier
{
    public static void Apply(ProvisioningStep step, CwmpSession session, ProvisioningSession state, CwmpMessage request, ProvisioningRpc purpose, CwmpMessage answer)
    {
        var run = state.Run;
        var view = run.View;
        var now = session.Now;
        var nowMs = Math.Max(now.ToUnixTimeMilliseconds(), run.NowMs);
        if (answer is CwmpFault fault)
        {
            switch (request)
            {
                case GetParameterNamesRequest gpn:
                    view.MarkAbsent(gpn.ParameterPath);
                    break;
                case GetParameterValuesRequest gpv:
                    foreach (var name in gpv.ParameterNames)
                    {
                        view.RemoveSubtree(name);
                        view.Ensure(Declarations.DeviceView.ParentOf(name)).ListedAt = 0;
                    }

                    break;
                default:
                    purpose.Channel?.Faulted(new ScriptFault(ScriptFaultCodes.Cwmp, $"The device answered {request.MethodName} with fault {fault.FaultCode}: {fault.FaultString}",
                        ResponseApplier.FaultOf(fault).Detail ?? purpose.Channel.Name));
                    break;
            }

            return;
        }

        if (!ResponseApplier.Answers(request, answer))
        {
            return;
        }

        ResponseApplier.Apply(session.Changes, request, answer, now);
        switch (answer)
        {
            case GetParameterValuesResponse values:
                foreach (var p in values.ParameterList)
                {
                    var node = view.Ensure(p.Name);
                    node.Value = ResponseApplier.Redact(p.Name, p.Value.Text);
                    node.Type = p.Value.TypeName;
                    node.ValueAt = nowMs;
                }

                break;

            case GetParameterNamesResponse names when request is GetParameterNamesRequest listing:
                foreach (var p in names.ParameterList)
                {
                    view.Ensure(p.Name).Writable = p.Writable;
                }

                view.MarkListed(listing.ParameterPath, names.ParameterList.Select(p => p.Name).ToHashSet(StringComparer.Ordinal), nowMs);
                if (listing.ParameterPath.Length > 0)
                {
                    // The listing's time, kept as the object's read time, so that later sessions know it is fresh.
                    session.Changes.Parameters.Add(new CachedParameter(listing.ParameterPath, null, null, null, null, null, now));
                }

                break;

            case SetParameterValuesResponse when request is SetParameterValuesRequest set:
                foreach (var p in set.ParameterList)
                {
                    var node = view.Ensure(p.Name);
                    node.Value = p.Value.Text;
                    node.Type = p.Value.TypeName;
                    node.ValueAt = nowMs;
                }

                break;

            case AddObjectResponse added when request is AddObjectRequest add:
                var instance = add.ObjectName + added.InstanceNumber.ToString(CultureInfo.InvariantCulture) + ".";
                view.Ensure(instance);
                step.Enqueue(session, state, new GetParameterNamesRequest(instance, false), new ProvisioningRpc(null));
                if (purpose.AliasKeys is { Count: > 0 } keys)
                {
                    var list = keys.Select(k => new Cwmp.Structs.ParameterValueStruct(instance + k.Key, Cwmp.Values.ParameterValue.String(k.Value))).ToArray();
                    step.Enqueue(session, state, new SetParameterValuesRequest(list, string.Empty), purpose with { AliasKeys = null });
                }

                break;

            case DeleteObjectResponse when request is DeleteObjectRequest delete:
                view.RemoveSubtree(delete.ObjectName);
                break;

            case RebootResponse:
                run.Learn(new CachedParameter("Reboot", now.ToString("O", CultureInfo.InvariantCulture), "dateTime", true, null, null, now));
                break;

            case FactoryResetResponse:
                run.Learn(new CachedParameter("FactoryReset", now.ToString("O", CultureInfo.InvariantCulture), "dateTime", true, null, null, now));
                break;
        }
    }
}
