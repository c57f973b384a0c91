using Microsoft.Playwright;
using Palisade.Acs.Devices;
using static Microsoft.Playwright.Assertions;

namespace Palisade.Console.Tests;

/// <summary>The overview, posture, admin and provisioning pages, and that no secret reaches any page.</summary>
public sealed class ConsoleAdminTests(ConsoleFixture fx) : IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task Every_page_renders_a_new_key_is_shown_once_and_no_secret_reaches_a_page()
    {
        await fx.AgentAsync("ADM0001");
        var id = new DeviceId("00D09E", "SIM-GW", "ADM0001");
        var device = await fx.Server.Host.Store.GetDeviceAsync(id, CancellationToken.None);
        var page = await fx.NewPageAsync();
        var html = new List<string>();
        await fx.SignInAsync(page, "admin2");

        async Task VisitAsync(string path, string shot)
        {
            var response = await page.GotoAsync(fx.BaseUrl + path);
            Assert.Equal(200, response!.Status);
            html.Add(await page.ContentAsync());
            await ConsoleFixture.ShotAsync(page, shot);
        }

        await VisitAsync("/overview", "overview");
        await Expect(page.Locator("#count-total")).ToHaveTextAsync("1");
        Assert.Equal(1, await page.Locator("figure svg rect.bar").CountAsync());
        await VisitAsync("/posture", "posture");
        await VisitAsync("/devices/" + Uri.EscapeDataString(id.ToString()), "device");

        // A key: shown once on the page that made it, never again.
        await VisitAsync("/admin/users", "admin-users");
        await page.GetByLabel("New key").FillAsync("noc-dashboard");
        await page.GetByLabel("Role", new() { Exact = true }).Last.SelectOptionAsync("viewer");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        var token = await page.GetByLabel("Secret").InputValueAsync();
        Assert.StartsWith("pal_", token, StringComparison.Ordinal);
        Assert.Equal(200, await fx.ApiStatusAsync("/api/v1/devices", token));
        await VisitAsync("/admin/users", "admin-users");
        await Expect(page.Locator("table").Nth(1)).ToContainTextAsync("noc-dashboard");

        // The audit log: the chain verifies and its entries include the key just made.
        await VisitAsync("/admin/audit", "audit");
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify the chain" }).ClickAsync();
        await Expect(page.Locator("#verification")).ToContainTextAsync("The chain is intact");
        await Expect(page.Locator("table")).ToContainTextAsync("key.create");
        html.Add(await page.ContentAsync());

        // A provision: the syntax check names a mistake, then a correct one is saved.
        await VisitAsync("/provisioning", "provisioning");
        await page.GetByLabel("New provision named").FillAsync("wifi");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create…" }).Nth(1).ClickAsync();
        await page.GetByLabel("The script (JavaScript, strict mode)").FillAsync("declare(\"Device.WiFi.SSID.1.SSID\", {value: 1}, {value: \"x\"}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Check the syntax" }).ClickAsync();
        await Expect(page.Locator("p.message.error")).ToContainTextAsync("does not parse");
        await page.GetByLabel("The script (JavaScript, strict mode)").FillAsync("declare(\"Device.WiFi.SSID.1.SSID\", {value: 1}, {value: \"x\"});");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.Locator("p.message")).ToContainTextAsync("Created.");

        // Its dry run on the device: nothing under Device.WiFi. is stored yet, so the script would first list it.
        await page.GetByLabel("Device id for a dry run").FillAsync(id.ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Dry run" }).ClickAsync();
        await Expect(page.Locator("#dry-run li")).ToHaveTextAsync("list Device.WiFi.");
        await ConsoleFixture.ShotAsync(page, "provision-editor");

        var secrets = new[] { token, ConsoleFixture.Password, fx.Server.Host.Facts.AdminPassword, fx.Server.Host.Facts.Bootstrap?.Password, device!.ConnectionRequest?.Password }
            .Where(s => !string.IsNullOrEmpty(s)).ToList();
        Assert.True(secrets.Count >= 4, "the secrets to look for are known");
        foreach (var (text, secret) in html.SelectMany(h => secrets.Select(s => (h, s!))))
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }

        await page.Context.CloseAsync();
    }
}
