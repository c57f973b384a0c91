using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;
using Palisade.Cwmp.Values;

namespace Palisade.Cwmp.Codec;

/// <summary>File transfers, deployment units, options, kicks and faults.</summary>
internal sealed partial class MessageReader
{
    private DownloadRequest Download()
    {
        string key = string.Empty, fileType = string.Empty, user = string.Empty, password = string.Empty, target = string.Empty, success = string.Empty, failure = string.Empty;
        string? url = null;
        uint size = 0, delay = 0;
        foreach (var child in Children())
        {
            switch (child)
            {
                case "CommandKey": key = Text(); break;
                case "FileType": fileType = Text(); break;
                case "URL": url = Once(url, Text(), "URL"); break;
                case "Username": user = Text(); break;
                case "Password": password = Text(); break;
                case "FileSize": size = UIntField("FileSize"); break;
                case "TargetFileName": target = Text(); break;
                case "DelaySeconds": delay = UIntField("DelaySeconds"); break;
                case "SuccessURL": success = Text(); break;
                case "FailureURL": failure = Text(); break;
                default: _r.Skip(); break;
            }
        }

        return new DownloadRequest(key, fileType, Need(url, "Download", "URL"), user, password, size, target, delay, success, failure);
    }

    private UploadRequest Upload()
    {
        string key = string.Empty, fileType = string.Empty, user = string.Empty, password = string.Empty;
        string? url = null;
        uint delay = 0;
        foreach (var child in Children())
        {
            switch (child)
            {
                case "CommandKey": key = Text(); break;
                case "FileType": fileType = Text(); break;
                case "URL": url = Once(url, Text(), "URL"); break;
                case "Username": user = Text(); break;
                case "Password": password = Text(); break;
                case "DelaySeconds": delay = UIntField("DelaySeconds"); break;
                default: _r.Skip(); break;
            }
        }

        return new UploadRequest(key, fileType, Need(url, "Upload", "URL"), user, password, delay);
    }

    private ScheduleInformRequest ScheduleInform()
    {
        uint? delay = null;
        var key = string.Empty;
        foreach (var child in Children())
        {
            switch (child)
            {
                case "DelaySeconds": delay = Once(delay, UIntField("DelaySeconds"), "DelaySeconds"); break;
                case "CommandKey": key = Text(); break;
                default: _r.Skip(); break;
            }
        }

        return new ScheduleInformRequest(delay ?? throw Invalid("ScheduleInform has no <DelaySeconds>."), key);
    }

    private ScheduleDownloadRequest ScheduleDownload()
    {
        string key = string.Empty, fileType = string.Empty, user = string.Empty, password = string.Empty, target = string.Empty;
        string? url = null;
        uint size = 0;
        var windows = EquatableList<TimeWindowStruct>.Empty;
        foreach (var child in Children())
        {
            switch (child)
            {
                case "CommandKey": key = Text(); break;
                case "FileType": fileType = Text(); break;
                case "URL": url = Once(url, Text(), "URL"); break;
                case "Username": user = Text(); break;
                case "Password": password = Text(); break;
                case "FileSize": size = UIntField("FileSize"); break;
                case "TargetFileName": target = Text(); break;
                case "TimeWindowList": windows = Array(m => m.TimeWindow()); break;
                default: _r.Skip(); break;
            }
        }

        return new ScheduleDownloadRequest(key, fileType, Need(url, "ScheduleDownload", "URL"), user, password, size, target, windows);
    }

    private TimeWindowStruct TimeWindow()
    {
        uint start = 0, end = 0;
        string mode = string.Empty, message = string.Empty;
        var retries = -1;
        foreach (var child in Children())
        {
            switch (child)
            {
                case "WindowStart": start = UIntField("WindowStart"); break;
                case "WindowEnd": end = UIntField("WindowEnd"); break;
                case "WindowMode": mode = Text(); break;
                case "UserMessage": message = Text(); break;
                case "MaxRetries": retries = IntField("MaxRetries"); break;
                default: _r.Skip(); break;
            }
        }

        return new TimeWindowStruct(start, end, mode, message, retries);
    }

    private QueuedTransferStruct QueuedTransfer()
    {
        var key = string.Empty;
        var state = 0;
        foreach (var child in Children())
        {
            switch (child)
            {
                case "CommandKey": key = Text(); break;
                case "State": state = IntField("State"); break;
                default: _r.Skip(); break;
            }
        }

        return new QueuedTransferStruct(key, state);
    }

    private AllQueuedTransferStruct AllQueuedTransfer()
    {
        string key = string.Empty, fileType = string.Empty, target = string.Empty;
        var state = 0;
        var isDownload = false;
        uint size = 0;
        foreach (var child in Children())
        {
            switch (child)
            {
                case "CommandKey": key = Text(); break;
                case "State": state = IntField("State"); break;
                case "IsDownload": isDownload = BoolField("IsDownload"); break;
                case "FileType": fileType = Text(); break;
                case "FileSize": size = UIntField("FileSize"); break;
                case "TargetFileName": target = Text(); break;
                default: _r.Skip(); break;
            }
        }

        return new AllQueuedTransferStruct(key, state, isDownload, fileType, size, target);
    }

    private ChangeDUStateRequest ChangeDuState()
    {
        var operations = new List<DeploymentUnitOperation>();
        var key = string.Empty;
        foreach (var child in Children())
        {
            switch (child)
            {
                // Operations and Results repeat as elements (maxOccurs unbounded), not as a SOAP array.
                case "Operations":
                    operations.Add(DuOperation());
                    _r.CheckArrayLength(operations.Count);
                    break;
                case "CommandKey": key = Text(); break;
                default: _r.Skip(); break;
            }
        }

        return new ChangeDUStateRequest(EquatableList<DeploymentUnitOperation>.FromArray([.. operations]), key);
    }

    private DeploymentUnitOperation DuOperation()
    {
        // The operation's kind is its xsi:type (InstallOpStruct, …) or, as some ACSs write it,
        // the element name itself.
        var kind = _r.GetAttribute("type", CwmpVersions.XsiNamespace) is { } type
            ? type[(type.IndexOf(':', StringComparison.Ordinal) + 1)..]
            : _r.LocalName;
        string url = string.Empty, uuid = string.Empty, user = string.Empty, password = string.Empty, env = string.Empty, version = string.Empty;
        foreach (var child in Children())
        {
            switch (child)
            {
                case "URL": url = Text(); break;
                case "UUID": uuid = Text(); break;
                case "Username": user = Text(); break;
                case "Password": password = Text(); break;
                case "ExecutionEnvRef": env = Text(); break;
                case "Version": version = Text(); break;
                default: _r.Skip(); break;
            }
        }

        return kind switch
        {
            "InstallOpStruct" => new InstallOperation(url, uuid, user, password, env),
            "UpdateOpStruct" => new UpdateOperation(uuid, version, url, user, password),
            "UninstallOpStruct" => new UninstallOperation(uuid, version, env),
            _ => throw Invalid($"Unknown ChangeDUState operation '{Clip(kind)}'."),
        };
    }

    private OptionStruct Option()
    {
        var name = string.Empty;
        uint serial = 0, state = 0;
        var mode = 0;
        var start = CwmpDateTime.Unknown;
        DateTimeOffset? expiration = null;
        var transferable = false;
        foreach (var child in Children())
        {
            switch (child)
            {
                case "OptionName": name = Text(); break;
                case "VoucherSN": serial = UIntField("VoucherSN"); break;
                case "State": state = UIntField("State"); break;
                case "Mode": mode = IntField("Mode"); break;
                case "StartDate": start = TimeField("StartDate"); break;
                case "ExpirationDate": expiration = TimeField("ExpirationDate"); break;
                case "IsTransferable": transferable = BoolField("IsTransferable"); break;
                default: _r.Skip(); break;
            }
        }

        return new OptionStruct(name, serial, state, mode, start, expiration, transferable);
    }

    private TransferCompleteRequest TransferComplete()
    {
        var key = string.Empty;
        var fault = Structs.TransferFault.None;
        var start = CwmpDateTime.Unknown;
        var complete = CwmpDateTime.Unknown;
        foreach (var child in Children())
        {
            switch (child)
            {
                case "CommandKey": key = Text(); break;
                case "FaultStruct": fault = TransferFault(); break;
                case "StartTime": start = TimeField("StartTime"); break;
                case "CompleteTime": complete = TimeField("CompleteTime"); break;
                default: _r.Skip(); break;
            }
        }

        return new TransferCompleteRequest(key, fault, start, complete);
    }

    private AutonomousTransferCompleteRequest AutonomousTransferComplete()
    {
        string announce = string.Empty, transfer = string.Empty, fileType = string.Empty, target = string.Empty;
        var isDownload = false;
        uint size = 0;
        var fault = Structs.TransferFault.None;
        var start = CwmpDateTime.Unknown;
        var complete = CwmpDateTime.Unknown;
        foreach (var child in Children())
        {
            switch (child)
            {
                case "AnnounceURL": announce = Text(); break;
                case "TransferURL": transfer = Text(); break;
                case "IsDownload": isDownload = BoolField("IsDownload"); break;
                case "FileType": fileType = Text(); break;
                case "FileSize": size = UIntField("FileSize"); break;
                case "TargetFileName": target = Text(); break;
                case "FaultStruct": fault = TransferFault(); break;
                case "StartTime": start = TimeField("StartTime"); break;
                case "CompleteTime": complete = TimeField("CompleteTime"); break;
                default: _r.Skip(); break;
            }
        }

        return new AutonomousTransferCompleteRequest(announce, transfer, isDownload, fileType, size, target, fault, start, complete);
    }

    private DUStateChangeCompleteRequest DuStateChangeComplete()
    {
        var results = new List<DeploymentUnitResult>();
        var key = string.Empty;
        foreach (var child in Children())
        {
            switch (child)
            {
                case "Results":
                    results.Add(DuResult());
                    _r.CheckArrayLength(results.Count);
                    break;
                case "CommandKey": key = Text(); break;
                default: _r.Skip(); break;
            }
        }

        return new DUStateChangeCompleteRequest(EquatableList<DeploymentUnitResult>.FromArray([.. results]), key);
    }

    private DeploymentUnitResult DuResult()
    {
        string uuid = string.Empty, duRef = string.Empty, version = string.Empty, state = string.Empty, euRefs = string.Empty;
        string? performed = null;
        var resolved = false;
        var start = CwmpDateTime.Unknown;
        var complete = CwmpDateTime.Unknown;
        var fault = Structs.TransferFault.None;
        foreach (var child in Children())
        {
            switch (child)
            {
                case "UUID": uuid = Text(); break;
                case "DeploymentUnitRef": duRef = Text(); break;
                case "Version": version = Text(); break;
                case "CurrentState": state = Text(); break;
                case "Resolved": resolved = BoolField("Resolved"); break;
                case "ExecutionUnitRefList": euRefs = Text(); break;
                case "StartTime": start = TimeField("StartTime"); break;
                case "CompleteTime": complete = TimeField("CompleteTime"); break;
                case "Fault": fault = TransferFault(); break;
                case "OperationPerformed": performed = Text(); break;
                default: _r.Skip(); break;
            }
        }

        return new DeploymentUnitResult(uuid, duRef, version, state, resolved, euRefs, start, complete, fault, performed);
    }

    private AutonomousDUStateChangeCompleteRequest AutonomousDuStateChangeComplete()
    {
        var results = new List<DeploymentUnitResult>();
        foreach (var child in Children())
        {
            if (child == "Results")
            {
                results.Add(DuResult());
                _r.CheckArrayLength(results.Count);
            }
            else
            {
                _r.Skip();
            }
        }

        return new AutonomousDUStateChangeCompleteRequest(EquatableList<DeploymentUnitResult>.FromArray([.. results]));
    }

    private RequestDownloadRequest RequestDownload()
    {
        var fileType = string.Empty;
        var args = EquatableList<ArgStruct>.Empty;
        foreach (var child in Children())
        {
            switch (child)
            {
                case "FileType": fileType = Text(); break;
                case "FileTypeArg": args = Array(m => m.Arg()); break;
                default: _r.Skip(); break;
            }
        }

        return new RequestDownloadRequest(fileType, args);
    }

    private ArgStruct Arg()
    {
        string name = string.Empty, value = string.Empty;
        foreach (var child in Children())
        {
            switch (child)
            {
                case "Name": name = Text(); break;
                case "Value": value = Text(); break;
                default: _r.Skip(); break;
            }
        }

        return new ArgStruct(name, value);
    }

    private KickedRequest Kicked()
    {
        string command = string.Empty, referer = string.Empty, arg = string.Empty, next = string.Empty;
        foreach (var child in Children())
        {
            switch (child)
            {
                case "Command": command = Text(); break;
                case "Referer": referer = Text(); break;
                case "Arg": arg = Text(); break;
                case "Next": next = Text(); break;
                default: _r.Skip(); break;
            }
        }

        return new KickedRequest(command, referer, arg, next);
    }

    /// <summary>A SOAP Fault whose detail holds a cwmp:Fault (TR-069 A.5); the SOAP faultcode/faultstring are informative only.</summary>
    private CwmpFault ReadSoapFault()
    {
        CwmpFault? fault = null;
        foreach (var child in Children())
        {
            if (child == "detail")
            {
                foreach (var detail in Children())
                {
                    if (detail == "Fault" && NoteNamespace(_r.NamespaceUri) && fault is null)
                    {
                        fault = CwmpFaultBody();
                    }
                    else
                    {
                        _r.Skip();
                    }
                }
            }
            else
            {
                _r.Skip();
            }
        }

        return fault ?? throw Invalid("SOAP Fault without a cwmp:Fault detail.");
    }

    private CwmpFault CwmpFaultBody()
    {
        int? code = null;
        var text = string.Empty;
        List<SetParameterValuesFault>? details = null;
        foreach (var child in Children())
        {
            switch (child)
            {
                case "FaultCode": code = Once(code, IntField("FaultCode"), "FaultCode"); break;
                case "FaultString": text = Text(); break;
                case "SetParameterValuesFault":
                    (details ??= []).Add(SpvFault());
                    _r.CheckArrayLength(details.Count);
                    break;
                default: _r.Skip(); break;
            }
        }

        var faults = details is null ? EquatableList<SetParameterValuesFault>.Empty : EquatableList<SetParameterValuesFault>.FromArray([.. details]);
        return new CwmpFault(code ?? throw Invalid("cwmp:Fault has no <FaultCode>."), text, faults);
    }

    private SetParameterValuesFault SpvFault()
    {
        string name = string.Empty, text = string.Empty;
        var code = 0;
        foreach (var child in Children())
        {
            switch (child)
            {
                case "ParameterName": name = Text(); break;
                case "FaultCode": code = IntField("FaultCode"); break;
                case "FaultString": text = Text(); break;
                default: _r.Skip(); break;
            }
        }

        return new SetParameterValuesFault(name, code, text);
    }
}
