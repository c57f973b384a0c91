using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;

namespace Palisade.Cwmp.Codec;

/// <summary>One method per message kind: the children of the method element, in schema order.</summary>
internal sealed partial class MessageWriter
{
    private void WriteBody(CwmpMessage body)
    {
        switch (body)
        {
            case InformRequest m: Inform(m); break;
            case InformResponse m: Element("MaxEnvelopes", m.MaxEnvelopes); break;
            case GetRPCMethodsResponse m: StringArray("MethodList", m.MethodList); break;
            case GetParameterNamesRequest m:
                Element("ParameterPath", m.ParameterPath);
                Element("NextLevel", m.NextLevel);
                break;
            case GetParameterNamesResponse m:
                Array("ParameterList", "cwmp:ParameterInfoStruct", m.ParameterList, static (w, p) => w.ParameterInfo(p));
                break;
            case GetParameterValuesRequest m: StringArray("ParameterNames", m.ParameterNames); break;
            case GetParameterValuesResponse m: ParameterValueList("ParameterList", m.ParameterList); break;
            case SetParameterValuesRequest m:
                ParameterValueList("ParameterList", m.ParameterList);
                Element("ParameterKey", m.ParameterKey);
                break;
            case SetParameterValuesResponse m: Element("Status", m.Status); break;
            case GetParameterAttributesRequest m: StringArray("ParameterNames", m.ParameterNames); break;
            case GetParameterAttributesResponse m:
                Array("ParameterList", "cwmp:ParameterAttributeStruct", m.ParameterList, static (w, p) => w.ParameterAttribute(p));
                break;
            case SetParameterAttributesRequest m:
                Array("ParameterList", "cwmp:SetParameterAttributesStruct", m.ParameterList, static (w, p) => w.SetParameterAttribute(p));
                break;
            case AddObjectRequest m:
                Element("ObjectName", m.ObjectName);
                Element("ParameterKey", m.ParameterKey);
                break;
            case AddObjectResponse m:
                Element("InstanceNumber", m.InstanceNumber);
                Element("Status", m.Status);
                break;
            case DeleteObjectRequest m:
                Element("ObjectName", m.ObjectName);
                Element("ParameterKey", m.ParameterKey);
                break;
            case DeleteObjectResponse m: Element("Status", m.Status); break;
            case RebootRequest m: Element("CommandKey", m.CommandKey); break;
            case DownloadRequest m: Download(m); break;
            case DownloadResponse m: TransferResponse(m.Status, m.StartTime, m.CompleteTime); break;
            case UploadRequest m: Upload(m); break;
            case UploadResponse m: TransferResponse(m.Status, m.StartTime, m.CompleteTime); break;
            case ScheduleInformRequest m:
                Element("DelaySeconds", m.DelaySeconds);
                Element("CommandKey", m.CommandKey);
                break;
            case ScheduleDownloadRequest m: ScheduleDownload(m); break;
            case CancelTransferRequest m: Element("CommandKey", m.CommandKey); break;
            case GetQueuedTransfersResponse m:
                Array("TransferList", "cwmp:QueuedTransferStruct", m.TransferList, static (w, t) => w.QueuedTransfer(t));
                break;
            case GetAllQueuedTransfersResponse m:
                Array("TransferList", "cwmp:AllQueuedTransferStruct", m.TransferList, static (w, t) => w.AllQueuedTransfer(t));
                break;
            case ChangeDUStateRequest m: ChangeDuState(m); break;
            case GetOptionsRequest m: Element("OptionName", m.OptionName); break;
            case GetOptionsResponse m: Array("OptionList", "cwmp:OptionStruct", m.OptionList, static (w, o) => w.Option(o)); break;
            case SetVouchersRequest m: StringArray("VoucherList", m.VoucherList, "soap-enc:base64", "base64"); break;
            case TransferCompleteRequest m:
                Element("CommandKey", m.CommandKey);
                TransferFault(m.Fault);
                Element("StartTime", m.StartTime);
                Element("CompleteTime", m.CompleteTime);
                break;
            case AutonomousTransferCompleteRequest m: AutonomousTransferComplete(m); break;
            case DUStateChangeCompleteRequest m:
                foreach (var result in m.Results)
                {
                    DuResult(result);
                }

                Element("CommandKey", m.CommandKey);
                break;
            case AutonomousDUStateChangeCompleteRequest m:
                foreach (var result in m.Results)
                {
                    DuResult(result);
                }

                break;
            case RequestDownloadRequest m:
                Element("FileType", m.FileType);
                Array("FileTypeArg", "cwmp:ArgStruct", m.FileTypeArg, static (w, a) => w.Arg(a));
                break;
            case KickedRequest m:
                Element("Command", m.Command);
                Element("Referer", m.Referer);
                Element("Arg", m.Arg);
                Element("Next", m.Next);
                break;
            case KickedResponse m: Element("NextURL", m.NextUrl); break;
            default:
                // Every other message has no arguments (GetRPCMethods, FactoryReset, the empty responses).
                break;
        }
    }

    private void Inform(InformRequest m)
    {
        _w.WriteStartElement("DeviceId");
        Element("Manufacturer", m.DeviceId.Manufacturer);
        Element("OUI", m.DeviceId.Oui);
        Element("ProductClass", m.DeviceId.ProductClass);
        Element("SerialNumber", m.DeviceId.SerialNumber);
        _w.WriteEndElement();
        Array("Event", "cwmp:EventStruct", m.Events, static (w, e) => w.Event(e));
        Element("MaxEnvelopes", m.MaxEnvelopes);
        Element("CurrentTime", m.CurrentTime);
        Element("RetryCount", m.RetryCount);
        ParameterValueList("ParameterList", m.ParameterList);
    }

    private void Event(EventStruct e)
    {
        _w.WriteStartElement("EventStruct");
        Element("EventCode", e.EventCode);
        Element("CommandKey", e.CommandKey);
        _w.WriteEndElement();
    }

    private void ParameterInfo(ParameterInfoStruct p)
    {
        _w.WriteStartElement("ParameterInfoStruct");
        Element("Name", p.Name);
        Element("Writable", p.Writable);
        _w.WriteEndElement();
    }

    private void ParameterAttribute(ParameterAttributeStruct p)
    {
        _w.WriteStartElement("ParameterAttributeStruct");
        Element("Name", p.Name);
        Element("Notification", p.Notification);
        StringArray("AccessList", p.AccessList);
        _w.WriteEndElement();
    }

    private void SetParameterAttribute(SetParameterAttributesStruct p)
    {
        _w.WriteStartElement("SetParameterAttributesStruct");
        Element("Name", p.Name);
        Element("NotificationChange", p.NotificationChange);
        Element("Notification", p.Notification);
        Element("AccessListChange", p.AccessListChange);
        StringArray("AccessList", p.AccessList);
        _w.WriteEndElement();
    }

    private void Download(DownloadRequest m)
    {
        Element("CommandKey", m.CommandKey);
        Element("FileType", m.FileType);
        Element("URL", m.Url);
        Element("Username", m.Username);
        Element("Password", m.Password);
        Element("FileSize", m.FileSize);
        Element("TargetFileName", m.TargetFileName);
        Element("DelaySeconds", m.DelaySeconds);
        Element("SuccessURL", m.SuccessUrl);
        Element("FailureURL", m.FailureUrl);
    }

    private void Upload(UploadRequest m)
    {
        Element("CommandKey", m.CommandKey);
        Element("FileType", m.FileType);
        Element("URL", m.Url);
        Element("Username", m.Username);
        Element("Password", m.Password);
        Element("DelaySeconds", m.DelaySeconds);
    }

    private void TransferResponse(int status, DateTimeOffset start, DateTimeOffset complete)
    {
        Element("Status", status);
        Element("StartTime", start);
        Element("CompleteTime", complete);
    }

    private void ScheduleDownload(ScheduleDownloadRequest m)
    {
        Element("CommandKey", m.CommandKey);
        Element("FileType", m.FileType);
        Element("URL", m.Url);
        Element("Username", m.Username);
        Element("Password", m.Password);
        Element("FileSize", m.FileSize);
        Element("TargetFileName", m.TargetFileName);
        Array("TimeWindowList", "cwmp:TimeWindowStruct", m.TimeWindowList, static (w, t) => w.TimeWindow(t));
    }

    private void TimeWindow(TimeWindowStruct t)
    {
        _w.WriteStartElement("TimeWindowStruct");
        Element("WindowStart", t.WindowStart);
        Element("WindowEnd", t.WindowEnd);
        Element("WindowMode", t.WindowMode);
        Element("UserMessage", t.UserMessage);
        Element("MaxRetries", t.MaxRetries);
        _w.WriteEndElement();
    }

    private void QueuedTransfer(QueuedTransferStruct t)
    {
        _w.WriteStartElement("QueuedTransferStruct");
        Element("CommandKey", t.CommandKey);
        Element("State", t.State);
        _w.WriteEndElement();
    }

    private void AllQueuedTransfer(AllQueuedTransferStruct t)
    {
        _w.WriteStartElement("AllQueuedTransferStruct");
        Element("CommandKey", t.CommandKey);
        Element("State", t.State);
        Element("IsDownload", t.IsDownload);
        Element("FileType", t.FileType);
        Element("FileSize", t.FileSize);
        Element("TargetFileName", t.TargetFileName);
        _w.WriteEndElement();
    }

    private void ChangeDuState(ChangeDUStateRequest m)
    {
        foreach (var operation in m.Operations)
        {
            _w.WriteStartElement("Operations");
            switch (operation)
            {
                case InstallOperation op:
                    _w.WriteAttributeString("xsi", "type", CwmpVersions.XsiNamespace, "cwmp:InstallOpStruct");
                    Element("URL", op.Url);
                    Element("UUID", op.Uuid);
                    Element("Username", op.Username);
                    Element("Password", op.Password);
                    Element("ExecutionEnvRef", op.ExecutionEnvRef);
                    break;
                case UpdateOperation op:
                    _w.WriteAttributeString("xsi", "type", CwmpVersions.XsiNamespace, "cwmp:UpdateOpStruct");
                    Element("UUID", op.Uuid);
                    Element("Version", op.Version);
                    Element("URL", op.Url);
                    Element("Username", op.Username);
                    Element("Password", op.Password);
                    break;
                case UninstallOperation op:
                    _w.WriteAttributeString("xsi", "type", CwmpVersions.XsiNamespace, "cwmp:UninstallOpStruct");
                    Element("UUID", op.Uuid);
                    Element("Version", op.Version);
                    Element("ExecutionEnvRef", op.ExecutionEnvRef);
                    break;
                default:
                    throw new ArgumentException($"Unknown deployment-unit operation {operation.GetType().Name}.");
            }

            _w.WriteEndElement();
        }

        Element("CommandKey", m.CommandKey);
    }

    private void Option(OptionStruct o)
    {
        _w.WriteStartElement("OptionStruct");
        Element("OptionName", o.OptionName);
        Element("VoucherSN", o.VoucherSN);
        Element("State", o.State);
        Element("Mode", o.Mode);
        Element("StartDate", o.StartDate);
        if (o.ExpirationDate is { } expiration)
        {
            Element("ExpirationDate", expiration);
        }

        Element("IsTransferable", o.IsTransferable ? 1 : 0);
        _w.WriteEndElement();
    }

    private void AutonomousTransferComplete(AutonomousTransferCompleteRequest m)
    {
        Element("AnnounceURL", m.AnnounceUrl);
        Element("TransferURL", m.TransferUrl);
        Element("IsDownload", m.IsDownload);
        Element("FileType", m.FileType);
        Element("FileSize", m.FileSize);
        Element("TargetFileName", m.TargetFileName);
        TransferFault(m.Fault);
        Element("StartTime", m.StartTime);
        Element("CompleteTime", m.CompleteTime);
    }

    private void DuResult(DeploymentUnitResult r)
    {
        _w.WriteStartElement("Results");
        Element("UUID", r.Uuid);
        Element("DeploymentUnitRef", r.DeploymentUnitRef);
        Element("Version", r.Version);
        Element("CurrentState", r.CurrentState);
        Element("Resolved", r.Resolved);
        Element("ExecutionUnitRefList", r.ExecutionUnitRefList);
        Element("StartTime", r.StartTime);
        Element("CompleteTime", r.CompleteTime);
        _w.WriteStartElement("Fault");
        Element("FaultCode", r.Fault.FaultCode);
        Element("FaultString", r.Fault.FaultString);
        _w.WriteEndElement();
        if (r.OperationPerformed is { } performed)
        {
            Element("OperationPerformed", performed);
        }

        _w.WriteEndElement();
    }

    private void Arg(ArgStruct a)
    {
        _w.WriteStartElement("ArgStruct");
        Element("Name", a.Name);
        Element("Value", a.Value);
        _w.WriteEndElement();
    }
}
