using Palisade.Cpe.Model;
using Palisade.Cwmp.Events;
using Palisade.Cwmp.Faults;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;

namespace Palisade.Cpe.Agent;

public sealed partial class CpeAgent
{
    private static readonly string[] CpeMethods =
    [
        "GetRPCMethods", "GetParameterNames", "GetParameterValues", "SetParameterValues", "GetParameterAttributes",
        "SetParameterAttributes", "AddObject", "DeleteObject", "Reboot", "FactoryReset", "Download", "Upload",
        "ScheduleInform", "ScheduleDownload", "CancelTransfer", "GetQueuedTransfers", "GetAllQueuedTransfers", "ChangeDUState",
    ];

    /// <summary>Answers one ACS request from the data model; failures become CWMP faults.</summary>
    public CwmpMessage Handle(CwmpMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            return request switch
            {
                GetRPCMethodsRequest => new GetRPCMethodsResponse([.. CpeMethods]),
                GetParameterNamesRequest gpn => new GetParameterNamesResponse([.. Model.GetNames(gpn.ParameterPath, gpn.NextLevel)]),
                GetParameterValuesRequest gpv => GetValues(gpv),
                SetParameterValuesRequest spv => SetValues(spv),
                GetParameterAttributesRequest gpa => new GetParameterAttributesResponse([.. Model.GetAttributes(gpa.ParameterNames)]),
                SetParameterAttributesRequest spa => SetAttributes(spa),
                AddObjectRequest add => new AddObjectResponse(Model.AddObject(add.ObjectName, add.ParameterKey), 0),
                DeleteObjectRequest delete => Delete(delete),
                RebootRequest reboot => Reboot(reboot),
                FactoryResetRequest => FactoryReset(),
                DownloadRequest download => Download(download),
                UploadRequest upload => Upload(upload),
                ScheduleInformRequest schedule => ScheduleInform(schedule),
                ScheduleDownloadRequest scheduled => ScheduleDownload(scheduled),
                CancelTransferRequest cancel => CancelTransfer(cancel),
                GetQueuedTransfersRequest => new GetQueuedTransfersResponse([.. QueuedTransfers().Select(t => new QueuedTransferStruct(t.CommandKey, t.State))]),
                ChangeDUStateRequest change => ChangeDuState(change),
                GetAllQueuedTransfersRequest => new GetAllQueuedTransfersResponse([.. QueuedTransfers().Select(t => new AllQueuedTransferStruct(t.CommandKey, t.State, t.IsDownload, t.FileType, t.FileSize, t.TargetFileName))]),
                _ => new CwmpFault(FaultCode.MethodNotSupported),
            };
        }
        catch (CpeFaultException e)
        {
            return e.Fault;
        }
    }

    private SetParameterAttributesResponse SetAttributes(SetParameterAttributesRequest spa)
    {
        Model.SetAttributes(spa.ParameterList);
        return new SetParameterAttributesResponse();
    }

    private DeleteObjectResponse Delete(DeleteObjectRequest delete)
    {
        Model.DeleteObject(delete.ObjectName, delete.ParameterKey);
        return new DeleteObjectResponse(0);
    }

    // The ACS URL is what an attacker wants: it changes only to https, only to an allowed host.
    private string? GuardValue(string path, string value)
    {
        if (!path.EndsWith("ManagementServer.URL", StringComparison.Ordinal))
        {
            return null;
        }

        string? refusal = null;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttps)
        {
            refusal = "the ACS URL must be an https:// URL";
        }
        else
        {
            var allowed = _options.AllowedAcsHosts.Count > 0 ? _options.AllowedAcsHosts : [_options.AcsUrl.Host];
            if (!allowed.Contains(url.Host, StringComparer.OrdinalIgnoreCase))
            {
                refusal = $"host {url.Host} is not in this device's ACS allow-list";
            }
        }

        if (refusal is not null)
        {
            AgentLog.UrlChangeRefused(_log, Model.Identity.SerialNumber, refusal);
        }

        return refusal;
    }

    private RebootResponse Reboot(RebootRequest reboot)
    {
        AfterSession(_ =>
        {
            Rebooted();
            AddEvent(EventCodes.Boot);
            AddEvent(EventCodes.MReboot, reboot.CommandKey);
            Wake();
            return Task.CompletedTask;
        });
        return new RebootResponse();
    }

    private FactoryResetResponse FactoryReset()
    {
        AfterSession(_ =>
        {
            Model.FactoryReset();
            Rebooted();
            lock (_gate)
            {
                _cpeRequests.Clear();
                _transfers.Clear();
            }

            // Back to the factory: the first ACS, the factory credentials, a BOOTSTRAP.
            State.AcsUrl = _options.AcsUrl.ToString();
            State.Username = _options.Username;
            State.Password = _options.Password;
            State.Bootstrapped = false;
            ApplyFactorySettings();
            SetStunModelDefaults();
            ScheduleNextPeriodic(first: false);
            ReplaceClient();
            AddEvent(EventCodes.Bootstrap);
            AddEvent(EventCodes.Boot);
            Wake();
            return Task.CompletedTask;
        });
        return new FactoryResetResponse();
    }

    private ScheduleInformResponse ScheduleInform(ScheduleInformRequest schedule)
    {
        if (schedule.DelaySeconds == 0)
        {
            throw new CpeFaultException(FaultCode.InvalidArguments, "DelaySeconds must be greater than zero.");
        }

        _ = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(schedule.DelaySeconds), _time).ConfigureAwait(false);
            AddEvent(EventCodes.Scheduled);
            AddEvent(EventCodes.MScheduleInform, schedule.CommandKey);
            Wake();
        });
        return new ScheduleInformResponse();
    }
}
