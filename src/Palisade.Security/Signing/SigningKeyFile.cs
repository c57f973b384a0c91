using System.Security.Cryptography;
using Palisade.Security.Secrets;

namespace Palisade.Security.Signing;

/// <summary>
/// The server's file-signing key: <c>signing.key</c> (ECDSA P-256, PKCS#8 PEM, owner-only) and <c>signing.pub.pem</c>
/// (its public key, the file CPEs are given to trust), created together on first use in the PKI folder. Every node
/// sharing a database shares the data folder's copy, so every node signs with the same key.
/// </summary>
public static class SigningKeyFile
{
    /// <summary>The private key's file name.</summary>
    public const string KeyFileName = "signing.key";

    /// <summary>The public key's file name.</summary>
    public const string PublicFileName = "signing.pub.pem";

    /// <summary>Loads the key in <paramref name="directory"/>, creating it (and its public half) when absent.</summary>
    /// <exception cref="InvalidDataException">The key file exists but holds no EC private key.</exception>
    public static ECDsa LoadOrCreate(string directory)
    {
        SecretFile.CreatePrivateDirectory(directory);
        var keyPath = Path.Combine(directory, KeyFileName);
        var publicPath = Path.Combine(directory, PublicFileName);
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        try
        {
            if (File.Exists(keyPath))
            {
                try
                {
                    key.ImportFromPem(File.ReadAllText(keyPath));
                }
                catch (ArgumentException e)
                {
                    throw new InvalidDataException($"{keyPath} holds no EC private key: {e.Message}", e);
                }
            }
            else
            {
                SecretFile.Write(keyPath, key.ExportPkcs8PrivateKeyPem());
            }

            if (!File.Exists(publicPath))
            {
                SecretFile.WritePublic(publicPath, key.ExportSubjectPublicKeyInfoPem());
            }

            return key;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>Loads a public key (or the public half of a private key) from a PEM file.</summary>
    /// <exception cref="InvalidDataException">The file holds no EC key.</exception>
    public static ECDsa LoadPublic(string path)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(path));
            return key;
        }
        catch (ArgumentException e)
        {
            key.Dispose();
            throw new InvalidDataException($"{path} holds no EC key: {e.Message}", e);
        }
    }
}
