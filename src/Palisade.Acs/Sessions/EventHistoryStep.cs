using Palisade.Acs.Devices;
using Palisade.Cwmp.Events;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;

namespace Palisade.Acs.Sessions;

/// <summary>
/// Records a device's events in its history (<see cref="DeviceEvent"/>): the Inform's events (all but the routine
/// <c>2 PERIODIC</c>, which the device record's last events already show), and what the CPE reports on its own:
/// AutonomousTransferComplete, DUStateChangeComplete, AutonomousDUStateChangeComplete. It only observes: every request
/// goes on to the other steps.
/// </summary>
public sealed class EventHistoryStep : ISessionStep
{
    private const int MaxText = 256;

    /// <inheritdoc />
    public string Name => "event-history";

    /// <inheritdoc />
    public ValueTask OpenAsync(CwmpSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        foreach (var e in session.Inform.Events)
        {
            if (session.Changes.Events.Count >= DeviceEvent.MaxPerDevice)
            {
                break;
            }

            if (e.EventCode != EventCodes.Periodic)
            {
                session.Changes.Events.Add(new DeviceEvent(session.Now, Clip(e.EventCode, DeviceEvent.MaxCodeLength), e.CommandKey.Length == 0 ? null : Clip(e.CommandKey, 32), null));
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<bool> CpeRequestAsync(CwmpSession session, CwmpMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        switch (request)
        {
            case AutonomousTransferCompleteRequest transfer:
                Record(session, "10 AUTONOMOUS TRANSFER COMPLETE", null, ResponseApplier.Json(w =>
                {
                    w.WriteString("direction", transfer.IsDownload ? "download" : "upload");
                    w.WriteString("fileType", Clip(transfer.FileType, 64));
                    w.WriteString("transferUrl", Clip(transfer.TransferUrl, MaxText));
                    w.WriteNumber("fileSize", transfer.FileSize);
                    Fault(w, transfer.Fault);
                }));
                break;

            case DUStateChangeCompleteRequest change:
                Record(session, "11 DU STATE CHANGE COMPLETE", Clip(change.CommandKey, 32), Results(change.Results));
                break;

            case AutonomousDUStateChangeCompleteRequest change:
                Record(session, "12 AUTONOMOUS DU STATE CHANGE COMPLETE", null, Results(change.Results));
                break;

            case RequestDownloadRequest download:
                // The CPE asks for a file (TR-069 A.4.2.2): kept as an event for operators until the file store answers it.
                Record(session, EventCodes.RequestDownload, null, ResponseApplier.Json(w =>
                {
                    w.WriteString("fileType", Clip(download.FileType, 64));
                    w.WriteStartArray("fileTypeArg");
                    foreach (var arg in download.FileTypeArg.Take(16))
                    {
                        w.WriteStartObject();
                        w.WriteString("name", Clip(arg.Name, 64));
                        w.WriteString("value", Clip(arg.Value, MaxText));
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                }));
                break;
        }

        return ValueTask.FromResult(false);
    }

    /// <inheritdoc />
    public ValueTask AnswerAsync(CwmpSession session, SessionRpc rpc, CwmpMessage answer, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    // The Inform announced the event; the request that follows says what happened: one entry with both.
    private static void Record(CwmpSession session, string code, string? commandKey, string detail)
    {
        var events = session.Changes.Events;
        var announced = events.FindIndex(e => e.Code == code && e.Detail is null);
        var entry = new DeviceEvent(session.Now, code, commandKey ?? (announced >= 0 ? events[announced].CommandKey : null), detail);
        if (announced >= 0)
        {
            events[announced] = entry;
        }
        else if (events.Count < DeviceEvent.MaxPerDevice)
        {
            events.Add(entry);
        }
    }

    internal static string Results(IReadOnlyList<DeploymentUnitResult> results) => ResponseApplier.Json(w =>
    {
        w.WriteStartArray("results");
        foreach (var r in results.Take(16))
        {
            w.WriteStartObject();
            w.WriteString("uuid", Clip(r.Uuid, 64));
            w.WriteString("version", Clip(r.Version, 64));
            w.WriteString("state", Clip(r.CurrentState, 32));
            if (r.OperationPerformed is { } operation)
            {
                w.WriteString("operation", Clip(operation, 32));
            }

            Fault(w, r.Fault);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteNumber("count", results.Count);
    });

    private static void Fault(System.Text.Json.Utf8JsonWriter w, TransferFault fault)
    {
        w.WriteNumber("faultCode", fault.FaultCode);
        if (!fault.IsSuccess)
        {
            w.WriteString("faultString", Clip(fault.FaultString, MaxText));
        }
    }

    private static string Clip(string text, int max) => Palisade.Cwmp.ClientText.Cut(text, max);
}
