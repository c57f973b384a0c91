using System.Security.Cryptography;
using Microsoft.Playwright;
using Palisade.Acs.Access;
using Palisade.Acs.Campaigns;
using Palisade.Acs.Files;
using Palisade.Cpe.Agent;
using Palisade.Security.Signing;
using static Microsoft.Playwright.Assertions;

namespace Palisade.Console.Tests;

/// <summary>
/// Campaigns in the console: planned from the device list, created through the form after a count, followed live,
/// paused, resumed and aborted by an admin, and neither paused by a viewer nor by an operator, even by posting the form.
/// </summary>
public sealed class ConsoleCampaignTests(ConsoleFixture fx) : IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task A_campaign_planned_from_the_device_list_is_followed_live_paused_resumed_and_aborted_and_a_viewer_cannot_pause_it()
    {
        using var key = SigningKeyFile.LoadPublic(Path.Combine(fx.Server.DataDirectory, "pki", SigningKeyFile.PublicFileName));
        void Firmware(AgentOptions o, FirmwareFailure failure)
        {
            o.SigningKeys[FileSignature.KeyIdOf(key)] = key;
            o.FirmwareFailure = failure;
            o.PeriodicInterval = TimeSpan.FromSeconds(2);
        }

        var good = await fx.AgentAsync("CAMP0001", configure: o => Firmware(o, FirmwareFailure.None));
        await fx.AgentAsync("CAMP0002", configure: o => Firmware(o, FirmwareFailure.BadSignature));
        await fx.AgentAsync("CAMP0003", configure: o => Firmware(o, FirmwareFailure.None));
        var admin = new Caller("user:admin2", Roles.Admin, null, null);
        using (var image = new MemoryStream(RandomNumberGenerator.GetBytes(8192)))
        {
            await fx.Server.Host.Files!.Service.AddAsync(admin, new NewFile("gw-9.0.bin", FileTypes.Firmware, "9.0", null, null, null), image, CancellationToken.None);
        }

        var page = await fx.NewPageAsync();
        await fx.SignInAsync(page, "admin2");

        // From the device list: two of the three devices selected, counted, then the campaign form with them as its filter.
        await page.GotoAsync(fx.BaseUrl + "/devices?filter=" + Uri.EscapeDataString("serialNumber LIKE \"CAMP%\""));
        await page.GetByLabel("Select " + ConsoleFixture.DeviceId("CAMP0001")).CheckAsync();
        await page.GetByLabel("Select " + ConsoleFixture.DeviceId("CAMP0002")).CheckAsync();
        await page.GetByLabel("Action").SelectOptionAsync("campaign");
        await page.GetByRole(AriaRole.Button, new() { Name = "Review…" }).ClickAsync();
        await Expect(page.Locator("#confirm-count")).ToHaveTextAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, plan a campaign for 2 device(s)" }).ClickAsync();
        await Expect(page.GetByLabel("Devices (filter; blank: all)")).ToHaveValueAsync(
            $"id = \"{ConsoleFixture.DeviceId("CAMP0001")}\" OR id = \"{ConsoleFixture.DeviceId("CAMP0002")}\"");

        // One stage that soaks an hour once both devices finished: the campaign stays running, so it can be paused.
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("gateways to <b>9.0</b>");
        await page.GetByLabel("Stages (10% cumulative, or 50 devices)").FillAsync("100%");
        await page.GetByLabel("Soak after each stage (minutes)").FillAsync("60");
        await page.GetByLabel("Halt above this share of a stage failing (%)").FillAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "Review…" }).ClickAsync();
        await Expect(page.Locator("#review-count")).ToHaveTextAsync("2");
        Assert.Empty(await fx.Server.Host.Campaigns!.ListAsync(admin, null, 10, CancellationToken.None));
        await ConsoleFixture.ShotAsync(page, "campaign-create");
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, create it for 2 device(s)" }).ClickAsync();
        await Expect(page.Locator("#campaign-name")).ToHaveTextAsync("gateways to <b>9.0</b>");
        var url = page.Url;
        var id = Assert.Single(await fx.Server.Host.Campaigns!.ListAsync(admin, null, 10, CancellationToken.None)).Id;

        // Followed live: one device comes back on 9.0, the other refuses the image; the page was never reloaded.
        await Expect(page.Locator("#count-succeeded")).ToHaveTextAsync("1", new() { Timeout = 60_000 });
        await Expect(page.Locator("#count-failed")).ToHaveTextAsync("1", new() { Timeout = 60_000 });
        await Expect(page.Locator("table.failures tbody")).ToContainTextAsync("bad-signature");
        await Expect(page.Locator("#campaign-state")).ToHaveTextAsync("running");
        Assert.Equal(url, page.Url);
        Assert.Equal("9.0", good.Model.Get("Device.DeviceInfo.SoftwareVersion"));
        await ConsoleFixture.ShotAsync(page, "campaign");

        // A viewer (no read-files) and an operator (read-files only) see no Pause button and a direct post is refused.
        foreach (var user in new[] { "viewer", "operator" })
        {
            var other = await fx.NewPageAsync();
            await fx.SignInAsync(other, user);
            await other.GotoAsync(url);
            Assert.Equal(0, await other.GetByRole(AriaRole.Button, new() { Name = "Pause" }).CountAsync());
            var token = await other.Locator("input[name=__csrf]").First.GetAttributeAsync("value");
            var form = other.APIRequest.CreateFormData();
            form.Append("__csrf", token!);
            var pause = await other.APIRequest.PostAsync(url + "?handler=Pause", new() { Form = form, MaxRedirects = 0 });
            Assert.Equal(403, pause.Status);
            await other.Context.CloseAsync();
        }

        Assert.Equal(CampaignState.Running, (await fx.Server.Host.Campaigns!.GetAsync(admin, id, CancellationToken.None)).Campaign.State);

        // The admin pauses and resumes it, then aborts it after the confirmation.
        await page.GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync();
        await Expect(page.Locator("#campaign-state")).ToHaveTextAsync("paused");
        Assert.Equal(CampaignState.Paused, (await fx.Server.Host.Campaigns!.GetAsync(admin, id, CancellationToken.None)).Campaign.State);
        // The live region can show "paused" before the redirect has replaced the page: wait for the new page's buttons.
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Pause" })).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "Resume" }).ClickAsync();
        await Expect(page.Locator("#campaign-state")).ToHaveTextAsync("running");
        Assert.Equal(CampaignState.Running, (await fx.Server.Host.Campaigns!.GetAsync(admin, id, CancellationToken.None)).Campaign.State);
        await page.GetByRole(AriaRole.Link, new() { Name = "Abort…" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = $"Yes, abort campaign {id}" }).ClickAsync();
        await Expect(page.Locator("#campaign-state")).ToHaveTextAsync("aborted");

        // The list: the campaign's bar and numbers; its name stays text.
        await page.GotoAsync(fx.BaseUrl + "/campaigns");
        var row = page.Locator("table.campaigns tbody tr").First;
        await Expect(row).ToContainTextAsync("1 succeeded, 1 failed, 0 in progress, 0 pending of 2");
        await Expect(row).ToContainTextAsync("gateways to <b>9.0</b>");
        Assert.Equal(0, await page.Locator("table.campaigns b").CountAsync());
        await ConsoleFixture.ShotAsync(page, "campaigns");
        await page.Context.CloseAsync();
    }
}
