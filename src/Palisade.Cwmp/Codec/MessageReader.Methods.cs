using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;

namespace Palisade.Cwmp.Codec;

/// <summary>The RPC bodies, one method per message, dispatched by element name.</summary>
internal sealed partial class MessageReader
{
    private CwmpMessage ReadMethod(string name) => name switch
    {
        "Inform" => Inform(),
        "InformResponse" => new InformResponse(Single("MaxEnvelopes", r => r.UIntField("MaxEnvelopes"), 1u)),
        "GetRPCMethods" => Empty(new GetRPCMethodsRequest()),
        "GetRPCMethodsResponse" => new GetRPCMethodsResponse(Single("MethodList", r => r.StringArray(), EquatableList<string>.Empty)),
        "GetParameterNames" => GetParameterNames(),
        "GetParameterNamesResponse" => new GetParameterNamesResponse(Single("ParameterList", r => r.Array(m => m.ParameterInfoStruct()), EquatableList<ParameterInfoStruct>.Empty)),
        "GetParameterValues" => new GetParameterValuesRequest(Single("ParameterNames", r => r.StringArray(), EquatableList<string>.Empty)),
        "GetParameterValuesResponse" => new GetParameterValuesResponse(Single("ParameterList", r => r.Array(m => m.ParameterValueStruct()), EquatableList<ParameterValueStruct>.Empty)),
        "SetParameterValues" => SetParameterValues(),
        "SetParameterValuesResponse" => new SetParameterValuesResponse(Single("Status", r => r.IntField("Status"), 0)),
        "GetParameterAttributes" => new GetParameterAttributesRequest(Single("ParameterNames", r => r.StringArray(), EquatableList<string>.Empty)),
        "GetParameterAttributesResponse" => new GetParameterAttributesResponse(Single("ParameterList", r => r.Array(m => m.ParameterAttributeStruct()), EquatableList<ParameterAttributeStruct>.Empty)),
        "SetParameterAttributes" => new SetParameterAttributesRequest(Single("ParameterList", r => r.Array(m => m.SetParameterAttributesStruct()), EquatableList<SetParameterAttributesStruct>.Empty)),
        "SetParameterAttributesResponse" => Empty(new SetParameterAttributesResponse()),
        "AddObject" => ObjectRequest(static (o, k) => new AddObjectRequest(o, k)),
        "AddObjectResponse" => AddObjectResponse(),
        "DeleteObject" => ObjectRequest(static (o, k) => new DeleteObjectRequest(o, k)),
        "DeleteObjectResponse" => new DeleteObjectResponse(Single("Status", r => r.IntField("Status"), 0)),
        "Reboot" => new RebootRequest(Single("CommandKey", r => r.Text(), string.Empty)),
        "RebootResponse" => Empty(new RebootResponse()),
        "FactoryReset" => Empty(new FactoryResetRequest()),
        "FactoryResetResponse" => Empty(new FactoryResetResponse()),
        "Download" => Download(),
        "DownloadResponse" => TransferResponse(static (s, a, b) => new DownloadResponse(s, a, b)),
        "Upload" => Upload(),
        "UploadResponse" => TransferResponse(static (s, a, b) => new UploadResponse(s, a, b)),
        "ScheduleInform" => ScheduleInform(),
        "ScheduleInformResponse" => Empty(new ScheduleInformResponse()),
        "ScheduleDownload" => ScheduleDownload(),
        "ScheduleDownloadResponse" => Empty(new ScheduleDownloadResponse()),
        "CancelTransfer" => new CancelTransferRequest(Single("CommandKey", r => r.Text(), string.Empty)),
        "CancelTransferResponse" => Empty(new CancelTransferResponse()),
        "GetQueuedTransfers" => Empty(new GetQueuedTransfersRequest()),
        "GetQueuedTransfersResponse" => new GetQueuedTransfersResponse(Single("TransferList", r => r.Array(m => m.QueuedTransfer()), EquatableList<QueuedTransferStruct>.Empty)),
        "GetAllQueuedTransfers" => Empty(new GetAllQueuedTransfersRequest()),
        "GetAllQueuedTransfersResponse" => new GetAllQueuedTransfersResponse(Single("TransferList", r => r.Array(m => m.AllQueuedTransfer()), EquatableList<AllQueuedTransferStruct>.Empty)),
        "ChangeDUState" => ChangeDuState(),
        "ChangeDUStateResponse" => Empty(new ChangeDUStateResponse()),
        "GetOptions" => new GetOptionsRequest(Single("OptionName", r => r.Text(), string.Empty)),
        "GetOptionsResponse" => new GetOptionsResponse(Single("OptionList", r => r.Array(m => m.Option()), EquatableList<OptionStruct>.Empty)),
        "SetVouchers" => new SetVouchersRequest(Single("VoucherList", r => r.StringArray(), EquatableList<string>.Empty)),
        "SetVouchersResponse" => Empty(new SetVouchersResponse()),
        "TransferComplete" => TransferComplete(),
        "TransferCompleteResponse" => Empty(new TransferCompleteResponse()),
        "AutonomousTransferComplete" => AutonomousTransferComplete(),
        "AutonomousTransferCompleteResponse" => Empty(new AutonomousTransferCompleteResponse()),
        "DUStateChangeComplete" => DuStateChangeComplete(),
        "DUStateChangeCompleteResponse" => Empty(new DUStateChangeCompleteResponse()),
        "AutonomousDUStateChangeComplete" => AutonomousDuStateChangeComplete(),
        "AutonomousDUStateChangeCompleteResponse" => Empty(new AutonomousDUStateChangeCompleteResponse()),
        "RequestDownload" => RequestDownload(),
        "RequestDownloadResponse" => Empty(new RequestDownloadResponse()),
        "Kicked" => Kicked(),
        "KickedResponse" => new KickedResponse(Single("NextURL", r => r.Text(), string.Empty)),
        _ => throw new CwmpException(CwmpErrorReason.UnknownMethod, $"Unknown CWMP method '{Clip(name)}'."),
    };

    /// <summary>A message without arguments: any children are ignored.</summary>
    private CwmpMessage Empty(CwmpMessage message)
    {
        _r.Skip();
        return message;
    }

    /// <summary>A message with one named child; absent means <paramref name="absent"/>.</summary>
    private T Single<T>(string element, Func<MessageReader, T> read, T absent)
    {
        var found = false;
        var value = absent;
        foreach (var child in Children())
        {
            if (child == element)
            {
                if (found)
                {
                    throw Invalid($"<{element}> appears more than once.");
                }

                found = true;
                value = read(this);
            }
            else
            {
                _r.Skip();
            }
        }

        return value;
    }

    private InformRequest Inform()
    {
        DeviceIdStruct? deviceId = null;
        EquatableList<EventStruct>? events = null;
        var maxEnvelopes = 1u;
        var currentTime = Values.CwmpDateTime.Unknown;
        var retryCount = 0u;
        var parameters = EquatableList<ParameterValueStruct>.Empty;
        foreach (var child in Children())
        {
            switch (child)
            {
                case "DeviceId": deviceId = Once(deviceId, DeviceId(), "DeviceId"); break;
                case "Event": events = Once(events, Array(m => m.Event()), "Event"); break;
                case "MaxEnvelopes": maxEnvelopes = UIntField("MaxEnvelopes"); break;
                case "CurrentTime": currentTime = TimeField("CurrentTime"); break;
                case "RetryCount": retryCount = UIntField("RetryCount"); break;
                case "ParameterList": parameters = Array(m => m.ParameterValueStruct()); break;
                default: _r.Skip(); break;
            }
        }

        return new InformRequest(
            deviceId ?? throw Invalid("Inform has no <DeviceId>."),
            events ?? throw Invalid("Inform has no <Event> list."),
            maxEnvelopes,
            currentTime,
            retryCount,
            parameters);
    }

    private DeviceIdStruct DeviceId()
    {
        string? manufacturer = null, oui = null, productClass = null, serial = null;
        foreach (var child in Children())
        {
            switch (child)
            {
                case "Manufacturer": manufacturer = Once(manufacturer, Text(), "Manufacturer"); break;
                case "OUI": oui = Once(oui, Text(), "OUI"); break;
                case "ProductClass": productClass = Once(productClass, Text(), "ProductClass"); break;
                case "SerialNumber": serial = Once(serial, Text(), "SerialNumber"); break;
                default: _r.Skip(); break;
            }
        }

        // ProductClass may be empty or even absent on CPEs with one product (TR-069 A.3.3.1).
        return new DeviceIdStruct(
            manufacturer ?? string.Empty,
            Need(oui, "DeviceId", "OUI"),
            productClass ?? string.Empty,
            Need(serial, "DeviceId", "SerialNumber"));
    }

    private EventStruct Event()
    {
        string? code = null;
        var key = string.Empty;
        foreach (var child in Children())
        {
            switch (child)
            {
                case "EventCode": code = Once(code, Text().Trim(), "EventCode"); break;
                case "CommandKey": key = Text(); break;
                default: _r.Skip(); break;
            }
        }

        return new EventStruct(Need(code, "EventStruct", "EventCode"), key);
    }

    private GetParameterNamesRequest GetParameterNames()
    {
        var path = string.Empty;
        var nextLevel = false;
        foreach (var child in Children())
        {
            switch (child)
            {
                case "ParameterPath": path = Text(); break;
                case "NextLevel": nextLevel = BoolField("NextLevel"); break;
                default: _r.Skip(); break;
            }
        }

        return new GetParameterNamesRequest(path, nextLevel);
    }

    private SetParameterValuesRequest SetParameterValues()
    {
        var list = EquatableList<ParameterValueStruct>.Empty;
        var key = string.Empty;
        foreach (var child in Children())
        {
            switch (child)
            {
                case "ParameterList": list = Array(m => m.ParameterValueStruct()); break;
                case "ParameterKey": key = Text(); break;
                default: _r.Skip(); break;
            }
        }

        return new SetParameterValuesRequest(list, key);
    }

    private CwmpMessage ObjectRequest(Func<string, string, CwmpMessage> create)
    {
        string? objectName = null;
        var key = string.Empty;
        foreach (var child in Children())
        {
            switch (child)
            {
                case "ObjectName": objectName = Once(objectName, Text(), "ObjectName"); break;
                case "ParameterKey": key = Text(); break;
                default: _r.Skip(); break;
            }
        }

        return create(Need(objectName, "Object request", "ObjectName"), key);
    }

    private AddObjectResponse AddObjectResponse()
    {
        uint? instance = null;
        var status = 0;
        foreach (var child in Children())
        {
            switch (child)
            {
                case "InstanceNumber": instance = Once(instance, UIntField("InstanceNumber"), "InstanceNumber"); break;
                case "Status": status = IntField("Status"); break;
                default: _r.Skip(); break;
            }
        }

        return new AddObjectResponse(instance ?? throw Invalid("AddObjectResponse has no <InstanceNumber>."), status);
    }

    private CwmpMessage TransferResponse(Func<int, DateTimeOffset, DateTimeOffset, CwmpMessage> create)
    {
        var status = 0;
        var start = Values.CwmpDateTime.Unknown;
        var complete = Values.CwmpDateTime.Unknown;
        foreach (var child in Children())
        {
            switch (child)
            {
                case "Status": status = IntField("Status"); break;
                case "StartTime": start = TimeField("StartTime"); break;
                case "CompleteTime": complete = TimeField("CompleteTime"); break;
                default: _r.Skip(); break;
            }
        }

        return create(status, start, complete);
    }
}
