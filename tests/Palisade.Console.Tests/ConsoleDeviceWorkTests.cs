using Microsoft.Playwright;
using Palisade.Acs.Devices;
using Palisade.Acs.Storage;
using Palisade.Testing;
using static Microsoft.Playwright.Assertions;

namespace Palisade.Console.Tests;

/// <summary>The rest of a day with the device list and a device page: paging, sort, CSV export, bulk on a selection, the tree's actions, faults.</summary>
public sealed class ConsoleDeviceWorkTests(ConsoleFixture fx) : IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task The_device_list_pages_sorts_and_exports_a_CSV_whose_CPE_values_no_spreadsheet_runs()
    {
        const string Formula = "=HYPERLINK(\"http://evil.example\",\"x\")";
        await fx.AgentAsync("CSVP0001", prepare: m =>
        {
            m.SetInternal("Device.DeviceInfo.SoftwareVersion", "@SUM(1+1)");
            m.SetInternal("Device.DeviceInfo.HardwareVersion", Formula);
        });
        await fx.AgentAsync("CSVP0002", prepare: m => m.SetInternal("Device.DeviceInfo.SoftwareVersion", "-2+3"));
        var page = await fx.NewPageAsync();
        await fx.SignInAsync(page, "operator");
        var rows = page.Locator("table.devices tbody tr");

        // One device a page: the cursor leads to the next one and back to the first.
        await page.GotoAsync(fx.BaseUrl + "/devices?filter=" + Uri.EscapeDataString("serialNumber LIKE \"CSVP%\"") + "&limit=1");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows).ToContainTextAsync("CSVP0001");
        await page.GetByRole(AriaRole.Link, new() { Name = "Next page" }).ClickAsync();
        await Expect(rows).ToContainTextAsync("CSVP0002");
        await page.GetByRole(AriaRole.Link, new() { Name = "First page" }).ClickAsync();
        await Expect(rows).ToContainTextAsync("CSVP0001");

        // Sorted by id descending through the column heading.
        await page.GetByRole(AriaRole.Link, new() { Name = "Device id", Exact = true }).ClickAsync();
        await Expect(rows).ToContainTextAsync("CSVP0002");
        Assert.Contains("sort=-id", page.Url, StringComparison.Ordinal);

        // The export: every match (not one page), the hardware version (from the Inform) as a parameter column; a cell a CPE made to start
        // with = + - @ starts with a quote mark, so a spreadsheet shows it as text.
        await page.GotoAsync(fx.BaseUrl + "/devices?filter=" + Uri.EscapeDataString("serialNumber LIKE \"CSVP%\"") + "&limit=1&parameters=Device.DeviceInfo.HardwareVersion");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Export CSV" }).ClickAsync());
        Assert.Equal("devices.csv", download.SuggestedFilename);
        var lines = (await File.ReadAllTextAsync((await download.PathAsync())!)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("\"id\",\"serialNumber\",\"productClass\",\"softwareVersion\",\"lastInform\",\"online\",\"Device.DeviceInfo.HardwareVersion\"", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith($"\"{ConsoleFixture.DeviceId("CSVP0001")}\",\"CSVP0001\",\"SIM-GW\",\"'@SUM(1+1)\",", lines[1], StringComparison.Ordinal);
        Assert.EndsWith(",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\"", lines[1], StringComparison.Ordinal);
        Assert.Contains(",\"'-2+3\",", lines[2], StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task On_a_device_an_operator_refreshes_a_subtree_adds_and_deletes_an_instance_and_retries_and_deletes_a_fault_from_a_bulk_task()
    {
        await fx.AgentAsync("WORK0001");
        var other = await fx.AgentAsync("WORK0002");
        var id = new DeviceId("00D09E", "SIM-GW", "WORK0001");
        var page = await fx.NewPageAsync();
        await fx.SignInAsync(page, "operator");

        // A bulk task on a selection (one of the two matches): a read of a path the device does not have faults.
        await page.GotoAsync(fx.BaseUrl + "/devices?filter=" + Uri.EscapeDataString("serialNumber LIKE \"WORK%\""));
        await page.GetByLabel("Select " + id).CheckAsync();
        await page.GetByLabel("Action").SelectOptionAsync("task");
        await page.GetByLabel("Task", new() { Exact = true }).SelectOptionAsync("getParameterValues");
        await page.GetByLabel("Path", new() { Exact = true }).FillAsync("Device.NoSuchObject.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Review…" }).ClickAsync();
        await Expect(page.Locator("#confirm-count")).ToHaveTextAsync("1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, apply to 1 device(s)" }).ClickAsync();
        await Expect(page.Locator("p.message")).ToHaveTextAsync("Task getParameterValues queued for 1 device(s).");
        var otherId = new DeviceId("00D09E", "SIM-GW", "WORK0002");
        Assert.Empty(await fx.Server.Host.Store.ListTasksAsync(otherId, 10, CancellationToken.None));

        // The connection request button wakes the device; the bulk task faults in that session.
        await page.GotoAsync(fx.BaseUrl + "/devices/" + Uri.EscapeDataString(id.ToString()));
        await page.GetByRole(AriaRole.Button, new() { Name = "Connection request" }).ClickAsync();
        await Expect(page.Locator("p.message")).ToHaveTextAsync("Connection request: reached (accepted).");
        var faults = page.Locator("section[aria-labelledby=faults-title] tbody tr", new() { HasText = "getParameterValues" });
        await Eventually.HoldsAsync(async () => await TaskAsync(id) is { Status: DeviceTaskStatus.Faulted }, "the task to fault", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200));
        await page.ReloadAsync();
        await Expect(faults).ToContainTextAsync("9005");

        // Retry queues the task again (it faults again in the next session); Delete removes the fault.
        await faults.GetByRole(AriaRole.Button, new() { Name = "Retry" }).ClickAsync();
        await Expect(page.Locator("p.message")).ToContainTextAsync("queued again.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Connection request" }).ClickAsync();

        // The page the button posts to must have loaded before it is reloaded: reloading while that navigation is under
        // way failed once on a loaded machine ("Not attached to an active page").
        await Expect(page.Locator("p.message")).ToHaveTextAsync("Connection request: reached (accepted).");
        await Eventually.HoldsAsync(async () => await TaskAsync(id) is { Status: DeviceTaskStatus.Faulted, Attempts: >= 2 }, "the retried task to fault again", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200));
        await page.ReloadAsync();
        await faults.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(page.Locator("p.message")).ToContainTextAsync("deleted.");
        await Expect(faults).ToHaveCountAsync(0);

        // The tree (of the other device: connection requests to one device are limited to a burst of 4): refresh one
        // subtree, add an instance to a table and delete it again, each done on the live device.
        await page.GotoAsync(fx.BaseUrl + "/devices/" + Uri.EscapeDataString(otherId.ToString()) + "?path=" + Uri.EscapeDataString("Device.WiFi.SSID."));
        await page.GetByRole(AriaRole.Button, new() { Name = "Refresh Device.WiFi.SSID." }).ClickAsync();
        await Expect(page.Locator("p.message")).ToContainTextAsync("Refresh Device.WiFi.SSID.: done.");
        var before = Instances(other);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add an instance" }).ClickAsync();
        await Expect(page.Locator("p.message")).ToContainTextAsync("Add an instance to Device.WiFi.SSID.: done.");
        var added = Assert.Single(Instances(other).Except(before));
        await page.GotoAsync(fx.BaseUrl + "/devices/" + Uri.EscapeDataString(otherId.ToString()) + "?path=" + Uri.EscapeDataString(added));
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete this instance" }).ClickAsync();
        await Expect(page.Locator("p.message")).ToContainTextAsync($"Delete {added}: done.");
        Assert.Equal(before, Instances(other));
        await page.Context.CloseAsync();
    }

    private async Task<DeviceTask?> TaskAsync(DeviceId id) =>
        (await fx.Server.Host.Store.ListTasksAsync(id, 10, CancellationToken.None)).SingleOrDefault(t => t.Name == "getParameterValues");

    private static List<string> Instances(Cpe.Agent.CpeAgent agent) =>
        [.. agent.Model.GetNames("Device.WiFi.SSID.", true).Select(p => p.Name).Order(StringComparer.Ordinal)];
}
