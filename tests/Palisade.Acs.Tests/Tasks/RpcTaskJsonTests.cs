using Palisade.Acs.Diagnostics;
using Palisade.Acs.Tasks;

namespace Palisade.Acs.Tests.Tasks;

/// <summary>The tasks of issue 23 read strictly, written back the same, and classed by what they can do to the management.</summary>
public sealed class RpcTaskJsonTests
{
    [Theory]
    [InlineData("""{"name":"getRPCMethods"}""")]
    [InlineData("""{"name":"getQueuedTransfers"}""")]
    [InlineData("""{"name":"getAllQueuedTransfers"}""")]
    [InlineData("""{"name":"cancelTransfer","commandKey":"task-7"}""")]
    [InlineData("""{"name":"scheduleDownload","fileType":"2 Web Content","url":"https://f.example/w","fileSize":10,"targetFileName":"","timeWindows":[{"start":0,"end":60,"mode":"1 At Any Time","userMessage":"","maxRetries":-1}]}""")]
    [InlineData("""{"name":"changeDUState","operations":[{"op":"install","url":"https://f.example/a.ipk","uuid":"","executionEnvRef":""},{"op":"uninstall","uuid":"3f2504e0-4f89-11d3-9a0c-0305e82c3301","version":"","executionEnvRef":""}]}""")]
    [InlineData("""{"name":"ipPing","host":"192.0.2.1","numberOfRepetitions":3}""")]
    [InlineData("""{"name":"udpEcho","host":"192.0.2.1","port":7}""")]
    public void A_task_is_written_back_as_it_was_read(string json) =>
        Assert.Equal(json, TaskJson.Serialize(TaskJson.Parse(json)));

    [Theory]
    [InlineData("""{"name":"scheduleDownload","fileType":"1 Firmware Upgrade Image","url":"http://f.example/fw","timeWindows":[{"start":0,"end":60}]}""", "https")]
    [InlineData("""{"name":"scheduleDownload","fileType":"1 Firmware Upgrade Image","url":"https://f.example/fw","timeWindows":[]}""", "one or two")]
    [InlineData("""{"name":"scheduleDownload","fileType":"1 Firmware Upgrade Image","url":"https://f.example/fw","timeWindows":[{"start":60,"end":0}]}""", "start <= end")]
    [InlineData("""{"name":"changeDUState","operations":[{"op":"install","url":"http://f.example/a.ipk"}]}""", "https")]
    [InlineData("""{"name":"changeDUState","operations":[{"op":"uninstall","uuid":"not-a-uuid"}]}""", "UUID")]
    [InlineData("""{"name":"changeDUState","operations":[{"op":"reinstall","uuid":"3f2504e0-4f89-11d3-9a0c-0305e82c3301"}]}""", "install, update or uninstall")]
    [InlineData("""{"name":"ipPing"}""", "needs 'host'")]
    [InlineData("""{"name":"ipPing","host":"h","count":3}""", "no input 'count'")]
    [InlineData("""{"name":"ipPing","host":"h","numberOfRepetitions":-1}""", "whole number")]
    public void A_malformed_task_is_refused_with_a_reason(string json, string reason)
    {
        var e = Assert.Throws<TaskValidationException>(() => TaskJson.Parse(json));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"name":"scheduleDownload","fileType":"1 Firmware Upgrade Image","url":"https://f.example/fw","timeWindows":[{"start":0,"end":60}]}""", true)]
    [InlineData("""{"name":"scheduleDownload","fileType":"2 Web Content","url":"https://f.example/w","timeWindows":[{"start":0,"end":60}]}""", false)]
    [InlineData("""{"name":"changeDUState","operations":[{"op":"install","url":"https://f.example/a.ipk"}]}""", true)]
    [InlineData("""{"name":"changeDUState","operations":[{"op":"uninstall","uuid":"3f2504e0-4f89-11d3-9a0c-0305e82c3301"}]}""", false)]
    [InlineData("""{"name":"cancelTransfer","taskId":3}""", false)]
    [InlineData("""{"name":"ipPing","host":"192.0.2.1"}""", false)]
    public void Software_and_firmware_need_the_management_permission(string json, bool management) =>
        Assert.Equal(management, ManagementClass.Reason(TaskJson.Parse(json), _ => true) is not null);

    [Theory]
    [InlineData("SuccessCount", "successCount")]
    [InlineData("ROMTime", "romTime")]
    [InlineData("TCPOpenRequestTime", "tcpOpenRequestTime")]
    [InlineData("IPAddresses", "ipAddresses")]
    [InlineData("DNSServerIP", "dnsServerIP")]
    [InlineData("RTTimes", "rtTimes")]
    [InlineData("DSCP", "dscp")]
    public void Result_names_are_camel_case(string name, string expected) => Assert.Equal(expected, DiagnosticResult.CamelCase(name));
}
