using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Palisade.Acs.Devices;
using static Microsoft.Playwright.Assertions;

namespace Palisade.Console.Tests;

/// <summary>What an operator does all day, in a real browser against a real server with live simulated CPEs.</summary>
public sealed class ConsoleScenarioTests(ConsoleFixture fx) : IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task An_operator_searches_opens_a_simulated_device_and_changes_a_value_that_comes_back_from_it()
    {
        var agent = await fx.AgentAsync("UI0001");
        await fx.AgentAsync("UI0002");
        var page = await fx.NewPageAsync();
        await fx.SignInAsync(page, "operator");
        await ConsoleFixture.ShotAsync(page, "devices");

        await page.GetByLabel("Filter", new() { Exact = true }).FillAsync("serialNumber = \"UI0001\"");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        await Expect(page.Locator("#device-count")).ToHaveTextAsync("1 device(s) match.");
        await page.GetByRole(AriaRole.Link, new() { Name = ConsoleFixture.DeviceId("UI0001") }).ClickAsync();
        await Expect(page.Locator("h1")).ToContainTextAsync("UI0001");

        // The whole tree from the device, then down to the SSID through the tree's links.
        await page.GetByRole(AriaRole.Button, new() { Name = "Refresh everything" }).ClickAsync();
        await Expect(page.Locator("p.message")).ToContainTextAsync("done");
        await Expect(page.Locator("nav.crumbs")).ToContainTextAsync("Device");
        await page.GetByRole(AriaRole.Link, new() { Name = "Device.WiFi.", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Device.WiFi.SSID.", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Device.WiFi.SSID.1.", Exact = true }).ClickAsync();
        await ConsoleFixture.ShotAsync(page, "device-parameters");

        var field = page.GetByLabel("Value of Device.WiFi.SSID.1.SSID");
        await field.FillAsync("console-ssid");
        await page.Locator("form:has(input[name=name][value='Device.WiFi.SSID.1.SSID'])").GetByRole(AriaRole.Button, new() { Name = "Set", Exact = true }).ClickAsync();
        await Expect(page.Locator("p.message")).ToContainTextAsync("Set Device.WiFi.SSID.1.SSID: done");
        Assert.Equal("console-ssid", agent.Model.Get("Device.WiFi.SSID.1.SSID"));
        await Expect(page.GetByLabel("Value of Device.WiFi.SSID.1.SSID")).ToHaveValueAsync("console-ssid");

        // Searching the tree finds the parameter by part of its name.
        await page.GetByLabel("Find a parameter").FillAsync("ssid.1.ssid");
        await page.GetByRole(AriaRole.Button, new() { Name = "Find", Exact = true }).ClickAsync();
        await Expect(page.Locator("table.tree")).ToContainTextAsync("Device.WiFi.SSID.1.SSID");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_queued_reboot_completes_and_the_task_list_updates_without_a_reload()
    {
        await fx.AgentAsync("UI0003");
        var page = await fx.NewPageAsync(width: 768);
        await fx.SignInAsync(page, "operator");
        await page.GotoAsync(fx.BaseUrl + "/devices/" + Uri.EscapeDataString(ConsoleFixture.DeviceId("UI0003")));
        await page.GetByRole(AriaRole.Button, new() { Name = "Reboot" }).ClickAsync();
        await Expect(page.Locator("p.message")).ToContainTextAsync("Reboot: queued");
        var url = page.Url;
        await Expect(page.Locator("#tasks tr:has-text('reboot') .status-done")).ToHaveTextAsync("done", new() { Timeout = 30_000 });
        Assert.Equal(url, page.Url);
        await ConsoleFixture.ShotAsync(page, "device-768");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Bulk_tagging_by_filter_shows_the_count_then_tags_every_match()
    {
        await fx.AgentAsync("BULK0001");
        await fx.AgentAsync("BULK0002");
        var page = await fx.NewPageAsync();
        await fx.SignInAsync(page, "operator");
        await page.GotoAsync(fx.BaseUrl + "/devices?filter=" + Uri.EscapeDataString("serialNumber LIKE \"BULK%\""));
        await page.GetByLabel("Every device the filter matches").CheckAsync();
        await page.GetByLabel("Action").SelectOptionAsync("tag");
        await page.GetByLabel("Tag", new() { Exact = true }).FillAsync("north");
        await page.GetByRole(AriaRole.Button, new() { Name = "Review…" }).ClickAsync();
        await Expect(page.Locator("#confirm-count")).ToHaveTextAsync("2");
        await ConsoleFixture.ShotAsync(page, "devices-bulk-confirm");
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, apply to 2 device(s)" }).ClickAsync();
        await Expect(page.Locator("p.message")).ToContainTextAsync("Tag 'north' added to 2 device(s).");
        foreach (var serial in new[] { "BULK0001", "BULK0002" })
        {
            Assert.Equal(["north"], await fx.Server.Host.Store.GetTagsAsync(new DeviceId("00D09E", "SIM-GW", serial), CancellationToken.None));
        }

        // A mistake in the filter is shown with a mark under the character where the parser stopped.
        var response = await page.GotoAsync(fx.BaseUrl + "/devices?filter=" + Uri.EscapeDataString("serialNumber = = \"x\""));
        Assert.Equal(400, response!.Status);
        Assert.Equal("serialNumber = = \"x\"\n               ^ here", await page.Locator("pre.caret").InnerTextAsync());
        await ConsoleFixture.ShotAsync(page, "devices-filter-error");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_saved_search_is_kept_on_the_server_for_its_owner_alone()
    {
        await fx.AgentAsync("SAVE0001");
        await fx.AgentAsync("SAVE0002");
        var page = await fx.NewPageAsync();
        await fx.SignInAsync(page, "operator");
        await page.GotoAsync(fx.BaseUrl + "/devices?filter=" + Uri.EscapeDataString("serialNumber LIKE \"SAVE%\"") + "&sort=-id&columns=serialNumber&columns=manufacturer");
        await page.GetByLabel("Save this search as").FillAsync("<b>save</b> set");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        await Expect(page.Locator("p.message")).ToHaveTextAsync("Search saved as '<b>save</b> set'.");
        await page.Context.CloseAsync();

        // Another browser (no local storage in common): the owner's list comes from the server, and the search opens
        // with its filter, sort and columns.
        var again = await fx.NewPageAsync();
        await fx.SignInAsync(again, "operator");
        await again.GetByRole(AriaRole.Link, new() { Name = "<b>save</b> set" }).ClickAsync();
        await Expect(again.Locator("#device-count")).ToHaveTextAsync("2 device(s) match.");
        await Expect(again.Locator("table.devices tbody tr").First).ToContainTextAsync("SAVE0002");
        await Expect(again.Locator("table.devices thead")).ToContainTextAsync("Manufacturer");
        await ConsoleFixture.ShotAsync(again, "devices-saved-search");

        // Someone else does not see it.
        var viewer = await fx.NewPageAsync();
        await fx.SignInAsync(viewer, "viewer");
        Assert.Equal(0, await viewer.GetByRole(AriaRole.Link, new() { Name = "<b>save</b> set" }).CountAsync());
        await viewer.Context.CloseAsync();

        await again.GetByRole(AriaRole.Button, new() { Name = "Delete the saved search <b>save</b> set" }).ClickAsync();
        await Expect(again.Locator("p.message")).ToHaveTextAsync("Saved search '<b>save</b> set' deleted.");
        Assert.Empty(await fx.Server.Host.Store.ListSavedSearchesAsync("user:operator", CancellationToken.None));
        await again.Context.CloseAsync();
    }

    [Fact]
    public async Task The_pages_have_labels_names_and_contrast_at_laptop_and_tablet_width()
    {
        await fx.AgentAsync("A11Y0001");
        using (var image = new MemoryStream(new byte[4096]))
        {
            var admin = new Acs.Access.Caller("user:admin2", Acs.Access.Roles.Admin, null, null);
            await fx.Server.Host.Files!.Service.AddAsync(admin, new Acs.Files.NewFile("sim-gw-firmware-2.1.0-release.bin", Acs.Files.FileTypes.Firmware, "2.1.0", "00D09E", "SIM-GW", "SIM-GW 1000"), image, CancellationToken.None);
        }

        // A draft campaign (nothing is sent) for the campaign pages.
        var plan = new Acs.Campaigns.CampaignPlan([new(1, null, TimeSpan.FromMinutes(30)), new(100, null, TimeSpan.Zero)], new(1, 5), 50, TimeSpan.FromMinutes(30), 3, 5);
        var campaign = await fx.Server.Host.Campaigns!.CreateAsync(
            new Acs.Access.Caller("user:admin2", Acs.Access.Roles.Admin, null, null),
            new Acs.Campaigns.CampaignRequest("SIM-GW to 2.1.0", "sim-gw-firmware-2.1.0-release.bin", "serialNumber = \"A11Y0001\"", plan, Start: false),
            CancellationToken.None);

        foreach (var width in new[] { 1280, 768 })
        {
            var page = await fx.NewPageAsync(width);
            await fx.SignInAsync(page, "admin2");
            var device = "/devices/" + Uri.EscapeDataString(ConsoleFixture.DeviceId("A11Y0001"));
            foreach (var (path, shot) in new[] { ("/devices", "devices"), (device, "device"), ("/overview", "overview"), ("/posture", "posture"), ("/provisioning", "provisioning"), ("/files", "files"), ("/campaigns", "campaigns"), ("/campaigns/" + campaign.Campaign.Id, "campaign"), ("/admin/users", "admin-users"), ("/admin/audit", "audit"), ("/account", "account") })
            {
                await page.GotoAsync(fx.BaseUrl + path);
                var result = await page.RunAxe();
                Assert.NotEmpty(result.Passes);
                var serious = result.Violations.Where(v => v.Impact is "serious" or "critical")
                    .Select(v => $"{width}px {path}: {v.Id} ({v.Impact}) {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}").ToList();
                Assert.True(serious.Count == 0, string.Join("\n", serious));

                // Nothing is wider than the window: no sideways scrolling at this width.
                Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), $"{path} scrolls sideways at {width}px");
                await ConsoleFixture.ShotAsync(page, $"{width}-{shot}");
            }

            await page.Context.CloseAsync();
        }
    }
}
