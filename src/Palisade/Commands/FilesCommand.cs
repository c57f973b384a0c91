using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Palisade.Security.Signing;
using Spectre.Console;

namespace Palisade.Commands;

/// <summary>
/// <c>palisade files add|list|show|delete</c> over the API (writing needs write-files), and <c>sign|verify</c> offline
/// with the same <c>palisade-signature-1</c> format the server and the CPE agent use.
/// </summary>
internal static class FilesCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The file." };
        var name = new Option<string?>("--name") { Description = "The name it is stored under (default: the file's name)." };
        var type = new Option<string>("--type") { Description = "TR-069 file type.", DefaultValueFactory = _ => "1 Firmware Upgrade Image" };
        var version = new Option<string?>("--version") { Description = "The software version a firmware image installs (signed, and compared after the reboot)." };
        var oui = new Option<string?>("--oui") { Description = "The OUI it is meant for." };
        var productClass = new Option<string?>("--product-class") { Description = "The product class it is meant for." };
        var model = new Option<string?>("--model") { Description = "The model it is meant for." };
        var operatorSignature = new Option<string?>("--operator-signature") { Description = "A signature document made with 'palisade files sign' on another machine, attached after the upload." };
        var add = new Command("add", "Store a file (the server signs it).") { file, name, type, version, oui, productClass, model, operatorSignature, ApiClientCommands.Url, ApiClientCommands.Key, ApiClientCommands.Ca };
        add.SetAction(async (r, ct) =>
        {
            var path = r.GetValue(file)!;
            var stored = r.GetValue(name) ?? Path.GetFileName(path);
            var route = "api/v1/files/" + Uri.EscapeDataString(stored);
            var code = await ApiClientCommands.CallAsync(r, HttpMethod.Put, route, null, Print, ct, prepare: request =>
            {
                request.Content = new StreamContent(File.OpenRead(path));
                request.Headers.TryAddWithoutValidation("fileType", r.GetValue(type));
                foreach (var (header, value) in new[] { ("version", r.GetValue(version)), ("oui", r.GetValue(oui)), ("productClass", r.GetValue(productClass)), ("modelName", r.GetValue(model)) })
                {
                    if (value is not null)
                    {
                        request.Headers.TryAddWithoutValidation(header, value);
                    }
                }
            });
            if (code == 0 && r.GetValue(operatorSignature) is { } sig)
            {
                code = await ApiClientCommands.CallAsync(r, HttpMethod.Put, route + "/signature", await File.ReadAllTextAsync(sig, ct), Print, ct);
            }

            return code;
        });

        var list = new Command("list", "List the stored files, by name.") { ApiClientCommands.Url, ApiClientCommands.Key, ApiClientCommands.Ca };
        list.SetAction(async (r, ct) => await ApiClientCommands.CallAsync(r, HttpMethod.Get, "api/v1/files?limit=1000", null, body =>
        {
            var table = new Table().AddColumns("name", "type", "version", "size", "sha256", "operator signature");
            foreach (var f in body["files"]!.AsArray())
            {
                table.AddRow(Markup.Escape(f!["name"]!.ToString()), Markup.Escape(f["fileType"]!.ToString()), Markup.Escape(f["version"]!.ToString()),
                    Markup.Escape(f["size"]!.ToString()), Markup.Escape(f["sha256"]!.ToString()[..16] + "…"), f["operatorSignature"] is null ? "-" : "yes");
            }

            AnsiConsole.Write(table);
        }, ct));

        var stored = new Argument<string>("name") { Description = "The stored file's name." };
        var show = new Command("show", "Print a stored file's metadata and signatures as JSON.") { stored, ApiClientCommands.Url, ApiClientCommands.Key, ApiClientCommands.Ca };
        show.SetAction(async (r, ct) => await ApiClientCommands.CallAsync(r, HttpMethod.Get, "api/v1/files/" + Uri.EscapeDataString(r.GetValue(stored)!), null, Print, ct));

        var delete = new Command("delete", "Delete a stored file (refused while a running campaign uses it).") { stored, ApiClientCommands.Url, ApiClientCommands.Key, ApiClientCommands.Ca };
        delete.SetAction(async (r, ct) => await ApiClientCommands.CallAsync(r, HttpMethod.Delete, "api/v1/files/" + Uri.EscapeDataString(r.GetValue(stored)!), null, Print, ct));

        return new Command("files", "The file store: add, list, show and delete files through the API; sign and verify files offline.") { add, list, show, delete, Sign(), Verify() };
    }

    private static Command Sign()
    {
        var file = new Argument<string>("file") { Description = "The file to sign." };
        var key = new Option<string>("--key") { Description = "The signing key (EC P-256 private key, PEM).", Required = true };
        var version = new Option<string>("--version") { Description = "The software version the file installs (signed with it).", DefaultValueFactory = _ => string.Empty };
        var output = new Option<string?>("--out") { Description = "Where to write the signature document (default FILE.sig)." };
        var sign = new Command("sign", "Sign a file offline (palisade-signature-1), e.g. on the operator's own machine.") { file, key, version, output };
        sign.SetAction(async (r, ct) =>
        {
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportFromPem(await File.ReadAllTextAsync(r.GetValue(key)!, ct));
            var (sha, size) = await DigestAsync(r.GetValue(file)!, ct);
            var signature = FileSignature.SignDigest(sha, size, r.GetValue(version)!, ecdsa);
            var path = r.GetValue(output) ?? r.GetValue(file) + ".sig";
            await File.WriteAllBytesAsync(path, signature.ToJson(), ct);
            Console.WriteLine($"{path}: signed by key {signature.KeyId}, sha256 {sha}, {size} bytes, version '{signature.SoftwareVersion}'");
            return 0;
        });
        return sign;
    }

    private static Command Verify()
    {
        var file = new Argument<string>("file") { Description = "The file to verify." };
        var key = new Option<string[]>("--key") { Description = "A trusted public key (PEM); repeat for several (the server's pki/signing.pub.pem, an operator's).", Required = true, AllowMultipleArgumentsPerToken = true };
        var sig = new Option<string?>("--sig") { Description = "The signature document (default FILE.sig)." };
        var verify = new Command("verify", "Verify a file against its signature document offline, as a CPE would. Exit code 0 when it verifies.") { file, key, sig };
        verify.SetAction(async (r, ct) =>
        {
            var keys = r.GetValue(key)!.Select(SigningKeyFile.LoadPublic).ToDictionary(FileSignature.KeyIdOf, k => k, StringComparer.Ordinal);
            var document = await File.ReadAllBytesAsync(r.GetValue(sig) ?? r.GetValue(file) + ".sig", ct);
            if (FileSignature.Parse(document) is not { } signature)
            {
                AnsiConsole.MarkupLine("[red]not a palisade-signature-1 document[/]");
                return 1;
            }

            var (sha, size) = await DigestAsync(r.GetValue(file)!, ct);
            if (signature.VerifyDigest(sha, size, keys) is { } problem)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]does not verify: {problem}[/]");
                return 1;
            }

            Console.WriteLine($"verified: key {signature.KeyId}, version '{signature.SoftwareVersion}', {size} bytes");
            return 0;
        });
        return verify;
    }

    private static async Task<(string Sha256, long Size)> DigestAsync(string path, CancellationToken ct)
    {
        await using var stream = File.OpenRead(path);
        var hash = await SHA256.HashDataAsync(stream, ct);
        return (Convert.ToHexStringLower(hash), stream.Length);
    }

    private static void Print(JsonNode body) => Console.WriteLine(body.ToJsonString(Indented));
}
