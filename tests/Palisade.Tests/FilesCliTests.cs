using System.Security.Cryptography;

namespace Palisade.Tests;

/// <summary><c>palisade files sign|verify</c>: offline signatures in the format the server and the CPE agent use.</summary>
public sealed class FilesCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("palisade-files-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_file_signed_offline_verifies_and_a_truncated_file_or_a_foreign_key_does_not()
    {
        var firmware = Path.Combine(_dir, "fw.bin");
        await File.WriteAllBytesAsync(firmware, RandomNumberGenerator.GetBytes(100_000));
        var key = Path.Combine(_dir, "operator.key");
        var pub = Path.Combine(_dir, "operator.pub.pem");
        var other = Path.Combine(_dir, "other.pub.pem");
        using (var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        using (var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            await File.WriteAllTextAsync(key, ecdsa.ExportPkcs8PrivateKeyPem());
            await File.WriteAllTextAsync(pub, ecdsa.ExportSubjectPublicKeyInfoPem());
            await File.WriteAllTextAsync(other, stranger.ExportSubjectPublicKeyInfoPem());
        }

        var (code, output) = await CliProcess.RunAsync(TimeSpan.FromSeconds(60), "files", "sign", firmware, "--key", key, "--version", "2.1.0");
        Assert.True(code == 0, output);
        (code, output) = await CliProcess.RunAsync(TimeSpan.FromSeconds(60), "files", "verify", firmware, "--key", pub);
        Assert.True(code == 0, output);
        Assert.Contains("version '2.1.0'", output, StringComparison.Ordinal);

        (code, output) = await CliProcess.RunAsync(TimeSpan.FromSeconds(60), "files", "verify", firmware, "--key", other);
        Assert.Equal(1, code);
        Assert.Contains("not trusted", output, StringComparison.Ordinal);

        var bytes = await File.ReadAllBytesAsync(firmware);
        await File.WriteAllBytesAsync(firmware, bytes[..50_000]);
        (code, output) = await CliProcess.RunAsync(TimeSpan.FromSeconds(60), "files", "verify", firmware, "--key", pub, "--sig", firmware + ".sig");
        Assert.Equal(1, code);
        Assert.Contains("differs from the signed size", output, StringComparison.Ordinal);
    }
}
