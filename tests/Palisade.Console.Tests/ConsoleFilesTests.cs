using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Palisade.Console.Tests;

/// <summary>The files page: upload through the form, the list's metadata, delete with confirmation, and who may do what.</summary>
public sealed class ConsoleFilesTests(ConsoleFixture fx) : IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task An_admin_uploads_a_firmware_image_sees_its_metadata_and_deletes_it_unless_a_campaign_uses_it()
    {
        var page = await fx.NewPageAsync();
        await fx.SignInAsync(page, "admin2");
        await page.GetByRole(AriaRole.Link, new() { Name = "Files", Exact = true }).ClickAsync();
        await Expect(page.Locator("#file-count")).ToHaveTextAsync("No files yet.");

        // Upload through the form: the page shows what the service stored (size, SHA-256, the server's signature).
        var image = RandomNumberGenerator.GetBytes(10_240);
        var sha = Convert.ToHexStringLower(SHA256.HashData(image));
        await page.GetByLabel("File (at most 256 KiB)").SetInputFilesAsync(new FilePayload { Name = "gw-2.0.bin", MimeType = "application/octet-stream", Buffer = image });
        await page.GetByLabel("Type").SelectOptionAsync("1 Firmware Upgrade Image");
        await page.GetByLabel("Version (a firmware image needs one)").FillAsync("2.0");
        await page.GetByLabel("Product class (blank: any)").FillAsync("SIM-GW");
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload" }).ClickAsync();
        await Expect(page.Locator("p.message")).ToHaveTextAsync($"Stored gw-2.0.bin: 10240 bytes, SHA-256 {sha}.");
        var row = page.Locator("table.files tbody tr", new() { HasText = "gw-2.0.bin" });
        var cells = new[] { "gw-2.0.bin", "1 Firmware Upgrade Image", "2.0", "any / SIM-GW / any", "10 KiB", sha, "server", "UTC by user:admin2", "Delete…" };
        await Expect(row.Locator("td")).ToHaveTextAsync(cells.Select(c => new Regex(Regex.Escape(c) + "$")));
        var stored = await fx.Server.Host.Store.GetFileAsync("gw-2.0.bin", CancellationToken.None);
        Assert.Equal((sha, 10_240L, "2.0", "SIM-GW"), (stored!.Sha256, stored.Size, stored.Version, stored.ProductClass));
        await ConsoleFixture.ShotAsync(page, "files");

        // Beyond the store's bound: the service's message, nothing stored.
        await page.GetByLabel("File (at most 256 KiB)").SetInputFilesAsync(new FilePayload { Name = "huge.bin", MimeType = "application/octet-stream", Buffer = new byte[ConsoleFixture.MaxFileBytes + 1] });
        await page.GetByLabel("Version (a firmware image needs one)").FillAsync("3.0");
        var huge = await page.RunAndWaitForResponseAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Upload" }).ClickAsync(), r => r.Request.Method == "POST");
        Assert.Equal(400, huge.Status);
        await Expect(page.Locator("p.message.error")).ToHaveTextAsync($"The file is larger than {ConsoleFixture.MaxFileBytes} bytes, the largest this server stores.");
        Assert.Null(await fx.Server.Host.Store.GetFileAsync("huge.bin", CancellationToken.None));

        // A running campaign's file: the confirmation, then the service's refusal, and the file stays.
        var service = fx.Server.Host.Files!.Service;
        var inUse = service.InUse;
        service.InUse = (name, _) => Task.FromResult(name == "gw-2.0.bin" ? "wave-1" : null);
        try
        {
            await page.GotoAsync(fx.BaseUrl + "/files");
            await page.GetByRole(AriaRole.Link, new() { Name = "Delete gw-2.0.bin" }).ClickAsync();
            await Expect(page.Locator("#delete-title")).ToHaveTextAsync("Delete gw-2.0.bin?");
            await ConsoleFixture.ShotAsync(page, "files-delete-confirm");
            var refused = await page.RunAndWaitForResponseAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Yes, delete gw-2.0.bin" }).ClickAsync(), r => r.Request.Method == "POST");
            Assert.Equal(409, refused.Status);
            await Expect(page.Locator("p.message.error")).ToHaveTextAsync("Campaign 'wave-1' uses file 'gw-2.0.bin'; it cannot be deleted until the campaign ends.");
            Assert.NotNull(await fx.Server.Host.Store.GetFileAsync("gw-2.0.bin", CancellationToken.None));
        }
        finally
        {
            service.InUse = inUse;
        }

        await page.GetByRole(AriaRole.Link, new() { Name = "Delete gw-2.0.bin" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, delete gw-2.0.bin" }).ClickAsync();
        await Expect(page.Locator("p.message")).ToHaveTextAsync("gw-2.0.bin deleted.");
        Assert.Null(await fx.Server.Host.Store.GetFileAsync("gw-2.0.bin", CancellationToken.None));
        Assert.Contains(await fx.Server.Host.Store.ListAuditAsync(null, 200, CancellationToken.None), e => e.Action == "file.delete" && e.Actor == "user:admin2");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_operator_reads_the_files_but_cannot_upload_even_by_posting_and_a_viewer_cannot_see_them()
    {
        var operatorPage = await fx.NewPageAsync();
        await fx.SignInAsync(operatorPage, "operator");
        var list = await operatorPage.GotoAsync(fx.BaseUrl + "/files");
        Assert.Equal(200, list!.Status);
        Assert.Equal(0, await operatorPage.GetByRole(AriaRole.Button, new() { Name = "Upload" }).CountAsync());

        // Posted anyway with the operator's own token: the service refuses (403); a body beyond the listener's bound
        // (1 MiB; raised only for roles that write files) is not read to its end: the form is refused (400) before
        // any handler runs.
        var token = await operatorPage.Locator("input[name=__csrf]").First.GetAttributeAsync("value");
        foreach (var (size, status) in new[] { (1024, 403), (2 * 1024 * 1024, 400) })
        {
            var form = operatorPage.APIRequest.CreateFormData();
            form.Append("__csrf", token!);
            form.Append("name", "op.bin");
            form.Append("fileType", "3 Vendor Configuration File");
            form.Append("content", new FilePayload { Name = "op.bin", MimeType = "application/octet-stream", Buffer = new byte[size] });
            var post = await operatorPage.APIRequest.PostAsync(fx.BaseUrl + "/files?handler=Upload", new() { Multipart = form, MaxRedirects = 0 });
            Assert.Equal((size, status), (size, post.Status));
        }

        Assert.Null(await fx.Server.Host.Store.GetFileAsync("op.bin", CancellationToken.None));
        await operatorPage.Context.CloseAsync();

        var viewerPage = await fx.NewPageAsync();
        await fx.SignInAsync(viewerPage, "viewer");
        Assert.Equal(0, await viewerPage.GetByRole(AriaRole.Link, new() { Name = "Files", Exact = true }).CountAsync());
        var refused = await viewerPage.GotoAsync(fx.BaseUrl + "/files");
        Assert.Equal(403, refused!.Status);
        await Expect(viewerPage.Locator("p.message.error")).ToContainTextAsync("read-files");
        await viewerPage.Context.CloseAsync();
    }
}
