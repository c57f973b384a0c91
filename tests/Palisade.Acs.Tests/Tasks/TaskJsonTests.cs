using Palisade.Acs.Tasks;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Values;

namespace Palisade.Acs.Tests.Tasks;

public sealed class TaskJsonTests
{
    [Theory]
    [InlineData("""{"name":"getParameterValues","parameterNames":["Device.DeviceInfo.","Device.ManagementServer.URL"]}""")]
    [InlineData("""{"name":"getParameterNames","parameterPath":"Device.WiFi.","nextLevel":true}""")]
    [InlineData("""{"name":"setParameterValues","parameterValues":[["Device.WiFi.SSID.1.SSID","home","xsd:string"],["Device.ManagementServer.PeriodicInformInterval","300","xsd:unsignedInt"]]}""")]
    [InlineData("""{"name":"getParameterAttributes","parameterNames":["Device.DeviceInfo.SoftwareVersion"]}""")]
    [InlineData("""{"name":"setParameterAttributes","parameterAttributes":[{"name":"Device.DeviceInfo.SoftwareVersion","notification":2}]}""")]
    [InlineData("""{"name":"addObject","objectName":"Device.IP.Interface."}""")]
    [InlineData("""{"name":"deleteObject","objectName":"Device.IP.Interface.3."}""")]
    [InlineData("""{"name":"reboot"}""")]
    [InlineData("""{"name":"factoryReset"}""")]
    [InlineData("""{"name":"download","fileType":"1 Firmware Upgrade Image","url":"https://acs.example:7567/files/fw.bin","fileSize":1024,"targetFileName":"fw.bin","fileName":"fw.bin"}""")]
    [InlineData("""{"name":"upload","fileType":"1 Vendor Configuration File","url":"https://acs.example:7567/upload/cfg"}""")]
    [InlineData("""{"name":"scheduleInform","delaySeconds":60}""")]
    [InlineData("""{"name":"moveToHttps","url":"https://acs.example:7547/"}""")]
    [InlineData("""{"name":"rotateCredentials"}""")]
    public void Each_task_kind_parses_and_serialises_back_to_the_same_task(string json)
    {
        var task = TaskJson.Parse(json);

        var again = TaskJson.Parse(TaskJson.Serialize(task));

        Assert.Equal(TaskJson.Serialize(task), TaskJson.Serialize(again));
        Assert.Equal(task.Name, again.Name);
    }

    [Fact]
    public void GenieACS_style_values_without_types_get_types_from_json()
    {
        var task = Assert.IsType<SetParameterValuesTask>(TaskJson.Parse("""{"name":"setParameterValues","parameterValues":[["Device.A",true],["Device.B",300],["Device.C","x"]]}"""));

        Assert.Equal([XsdType.Boolean, XsdType.UnsignedInt, XsdType.String], task.ParameterValues.Select(p => p.Value.Type));
    }

    [Fact]
    public void Tasks_map_to_their_rpc_with_the_command_key()
    {
        var spv = Assert.IsType<SetParameterValuesRequest>(TaskJson.Parse("""{"name":"setParameterValues","parameterValues":[["Device.A","1","xsd:int"]]}""").ToRequest("task-7"));
        var reboot = Assert.IsType<RebootRequest>(new RebootTask().ToRequest("task-8"));

        Assert.Equal("task-7", spv.ParameterKey);
        Assert.Equal("task-8", reboot.CommandKey);
    }

    [Theory]
    [InlineData("[]", "JSON object")]
    [InlineData("""{"parameterNames":[]}""", "'name' is required")]
    [InlineData("""{"name":"runShell","command":"rm -rf /"}""", "Unknown task name")]
    [InlineData("""{"name":"getParameterValues","parameterNames":[]}""", "at least one")]
    [InlineData("""{"name":"getParameterValues","parameterNames":["Device.*"]}""", "not a parameter name")]
    [InlineData("""{"name":"getParameterValues","parameterNames":["Device.X'; DROP TABLE devices;--"]}""", "not a parameter name")]
    [InlineData("""{"name":"getParameterValues","parameterNames":["Device. X"]}""", "not a parameter name")]
    [InlineData("""{"name":"setParameterValues","parameterValues":[["Device.A","-1","xsd:unsignedInt"]]}""", "unsignedInt")]
    [InlineData("""{"name":"setParameterValues","parameterValues":[["Device.A","1"],["Device.A","2"]]}""", "more than once")]
    [InlineData("""{"name":"setParameterValues","parameterValues":[["Device.",""]]}""", "not a parameter name")]
    [InlineData("""{"name":"deleteObject","objectName":"Device.IP.Interface."}""", "instance path")]
    [InlineData("""{"name":"addObject","objectName":"Device.IP.Interface"}""", "ending with '.'")]
    [InlineData("""{"name":"download","fileType":"1 Firmware Upgrade Image","url":"file:///etc/passwd"}""", "https://")]
    [InlineData("""{"name":"download","fileType":"1 Firmware Upgrade Image","url":"https://a/b","fileName":"../../etc/passwd"}""", "plain file name")]
    [InlineData("""{"name":"scheduleInform","delaySeconds":0}""", "greater than 0")]
    [InlineData("""{"name":"moveToHttps","url":"http://acs.example/"}""", "https://")]
    [InlineData("""{"name":"moveToHttps","url":"https://user:pw@acs.example/"}""", "without user name")]
    [InlineData("""{"name":"moveToHttps","url":"https://acs.example/?next=http://evil"}""", "without user name, query")]
    [InlineData("""{"name":"reboot","x":{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{}}}}}}}}}}""", "not valid JSON")]
    [InlineData("""{"name":"reboot" """, "not valid JSON")]
    [InlineData("""{"name":"setParameterValues","parameterValues":[["Device.ManagementServer.Password","new-secret"]]}""", "rotateCredentials")]
    [InlineData("""{"name":"setParameterValues","parameterValues":[["InternetGatewayDevice.ManagementServer.Username","someone"]]}""", "rotateCredentials")]
    public void Invalid_tasks_are_refused_with_a_message_that_says_why(string json, string expected)
    {
        var error = Assert.Throws<TaskValidationException>(() => TaskJson.Parse(json));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Device.IP.Interface.3.", true)]
    [InlineData("InternetGatewayDevice.LANDevice.1.WLANConfiguration.12.", true)]
    [InlineData("Device.IP.Interface.", false)]
    [InlineData("Device.IP.Interface.3.Enable", false)]
    public void Instance_paths_end_with_an_instance_number(string path, bool expected)
    {
        Assert.Equal(expected, ParameterPath.IsInstance(path));
    }
}
