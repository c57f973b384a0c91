using Palisade.Cwmp.Events;
using Palisade.Cwmp.Faults;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;
using Palisade.Cwmp.Values;

namespace Palisade.Cwmp.Tests.Support;

/// <summary>One realistic instance of every CWMP message, for round-trip and schema tests.</summary>
internal static class Samples
{
    private static readonly DateTimeOffset T1 = new(2026, 11, 25, 5, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset T2 = new(2026, 11, 25, 5, 31, 12, TimeSpan.FromHours(1));

    public static InformRequest Inform(int parameters = 20) => new(
        new DeviceIdStruct("Palisade Labs", "00D09E", "HGW-1000", "PLS0000001"),
        [new EventStruct(EventCodes.Boot), new EventStruct(EventCodes.MReboot, "reboot-42")],
        1,
        T1,
        0,
        EquatableList<ParameterValueStruct>.FromArray(Enumerable.Range(0, parameters).Select(Parameter).ToArray()));

    public static ParameterValueStruct Parameter(int i) => (i % 6) switch
    {
        0 => new($"Device.DeviceInfo.X_Test.String{i}", ParameterValue.String($"value {i} <&> \"quoted\"")),
        1 => new($"Device.DeviceInfo.X_Test.UInt{i}", ParameterValue.UnsignedInt((uint)i * 1000)),
        2 => new($"Device.DeviceInfo.X_Test.Bool{i}", ParameterValue.Boolean(i % 4 == 2)),
        3 => new($"Device.DeviceInfo.X_Test.Time{i}", ParameterValue.DateTime(T1.AddSeconds(i))),
        4 => new($"Device.DeviceInfo.X_Test.Int{i}", ParameterValue.Int(-i)),
        _ => new($"Device.DeviceInfo.X_Test.Long{i}", ParameterValue.UnsignedLong(ulong.MaxValue - (ulong)i)),
    };

    /// <summary>Every message kind with the oldest version that has it.</summary>
    public static IEnumerable<(CwmpMessage Message, CwmpVersion Since)> All()
    {
        var v10 = CwmpVersion.V1_0;
        var v11 = CwmpVersion.V1_1;
        var v12 = CwmpVersion.V1_2;
        yield return (new GetRPCMethodsRequest(), v10);
        yield return (new GetRPCMethodsResponse(["Inform", "GetRPCMethods", "TransferComplete"]), v10);
        yield return (new GetParameterNamesRequest("Device.WiFi.", true), v10);
        yield return (new GetParameterNamesResponse([new ParameterInfoStruct("Device.WiFi.SSID.1.SSID", true), new ParameterInfoStruct("Device.WiFi.SSID.", false)]), v10);
        yield return (new GetParameterValuesRequest(["Device.DeviceInfo.", "Device.ManagementServer.PeriodicInformInterval"]), v10);
        yield return (new GetParameterValuesResponse([Parameter(0), Parameter(1), Parameter(2), Parameter(3)]), v10);
        yield return (new SetParameterValuesRequest([Parameter(1), new ParameterValueStruct("Device.WiFi.SSID.1.SSID", ParameterValue.String("home"))], "key-1"), v10);
        yield return (new SetParameterValuesResponse(0), v10);
        yield return (new GetParameterAttributesRequest(["Device.DeviceInfo.SoftwareVersion"]), v10);
        yield return (new GetParameterAttributesResponse([new ParameterAttributeStruct("Device.DeviceInfo.SoftwareVersion", 2, ["Subscriber"])]), v10);
        yield return (new SetParameterAttributesRequest([new SetParameterAttributesStruct("Device.DeviceInfo.SoftwareVersion", true, 2, false, [])]), v10);
        yield return (new SetParameterAttributesResponse(), v10);
        yield return (new AddObjectRequest("Device.IP.Interface.", "key-2"), v10);
        yield return (new AddObjectResponse(3, 0), v10);
        yield return (new DeleteObjectRequest("Device.IP.Interface.3.", "key-3"), v10);
        yield return (new DeleteObjectResponse(1), v10);
        yield return (new RebootRequest("reboot-42"), v10);
        yield return (new RebootResponse(), v10);
        yield return (new FactoryResetRequest(), v10);
        yield return (new FactoryResetResponse(), v10);
        yield return (new DownloadRequest("fw-1", "1 Firmware Upgrade Image", "https://acs.example/files/fw.bin", "", "", 1_048_576, "fw.bin", 0, "", ""), v10);
        yield return (new DownloadResponse(1, CwmpDateTime.Unknown, CwmpDateTime.Unknown), v10);
        yield return (new UploadRequest("up-1", "1 Vendor Configuration File", "https://acs.example/upload/cfg", "u", "p", 5), v10);
        yield return (new UploadResponse(0, T1, T2), v10);
        yield return (new ScheduleInformRequest(300, "later"), v10);
        yield return (new ScheduleInformResponse(), v10);
        yield return (new GetQueuedTransfersRequest(), v10);
        yield return (new GetQueuedTransfersResponse([new QueuedTransferStruct("fw-1", 2)]), v10);
        yield return (new GetOptionsRequest(""), v10);
        yield return (new GetOptionsResponse([new OptionStruct("VoIP", 7, 1, 1, T1, T2, false), new OptionStruct("IPTV", 8, 3, 2, T1, null, true)]), v10);
        yield return (new SetVouchersRequest(["AAECAwQ=", "BQYHCA=="]), v10);
        yield return (new SetVouchersResponse(), v10);
        yield return (Inform(), v10);
        yield return (new InformResponse(1), v10);
        yield return (new TransferCompleteRequest("fw-1", new TransferFault(FaultCode.DownloadFailure, "Download failed"), T1, T2), v10);
        yield return (new TransferCompleteResponse(), v10);
        yield return (new RequestDownloadRequest("1 Firmware Upgrade Image", [new ArgStruct("Version", "2.1")]), v10);
        yield return (new RequestDownloadResponse(), v10);
        yield return (new KickedRequest("provision", "https://portal.example/", "a=b", "https://portal.example/next"), v10);
        yield return (new KickedResponse("https://portal.example/done"), v10);
        yield return (new CwmpFault(FaultCode.InvalidArguments, "Invalid arguments", [new SetParameterValuesFault("Device.WiFi.SSID.1.SSID", FaultCode.NonWritableParameter, "read-only"), new SetParameterValuesFault("Device.X", FaultCode.InvalidParameterName, "no such parameter")]), v10);
        yield return (new CwmpFault(FaultCode.AcsRetryRequest), v10);
        yield return (new GetAllQueuedTransfersRequest(), v11);
        yield return (new GetAllQueuedTransfersResponse([new AllQueuedTransferStruct("fw-1", 1, true, "1 Firmware Upgrade Image", 1024, "fw.bin")]), v11);
        yield return (new AutonomousTransferCompleteRequest("", "https://files.example/fw.bin", true, "1 Firmware Upgrade Image", 2048, "", TransferFault.None, T1, T2), v11);
        yield return (new AutonomousTransferCompleteResponse(), v11);
        yield return (new ScheduleDownloadRequest("sd-1", "1 Firmware Upgrade Image", "https://acs.example/fw.bin", "", "", 0, "", [new TimeWindowStruct(0, 3600, "1 At Any Time", "", -1), new TimeWindowStruct(7200, 10800, "3 When Idle", "Upgrading", 2)]), v12);
        yield return (new ScheduleDownloadResponse(), v12);
        yield return (new CancelTransferRequest("fw-1"), v12);
        yield return (new CancelTransferResponse(), v12);
        yield return (new ChangeDUStateRequest([
            new InstallOperation("https://apps.example/app.ipk", "d3b3c7d0-1f2e-4a5b-9c8d-7e6f5a4b3c2d", "", "", ""),
            new UpdateOperation("d3b3c7d0-1f2e-4a5b-9c8d-7e6f5a4b3c2d", "1.0", "", "", ""),
            new UninstallOperation("d3b3c7d0-1f2e-4a5b-9c8d-7e6f5a4b3c2d", "", "")], "du-1"), v12);
        yield return (new ChangeDUStateResponse(), v12);
        var result = new DeploymentUnitResult("d3b3c7d0-1f2e-4a5b-9c8d-7e6f5a4b3c2d", "Device.SoftwareModules.DeploymentUnit.1.", "1.0", "Installed", true, "Device.SoftwareModules.ExecutionUnit.1.", T1, T2, TransferFault.None);
        yield return (new DUStateChangeCompleteRequest([result], "du-1"), v12);
        yield return (new DUStateChangeCompleteResponse(), v12);
        yield return (new AutonomousDUStateChangeCompleteRequest([result with { OperationPerformed = "Install" }]), v12);
        yield return (new AutonomousDUStateChangeCompleteResponse(), v12);
    }
}
