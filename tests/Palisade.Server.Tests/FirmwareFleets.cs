using System.Security.Cryptography;
using Palisade.Cpe.Agent;
using Palisade.Cpe.Model;
using Palisade.Cpe.Simulation;
using Palisade.Security.Signing;
using Palisade.Testing;

namespace Palisade.Server.Tests;

/// <summary>Simulated fleets that take firmware from a test server's file server (trusting its signing key), and waiting for a condition.</summary>
internal static class FirmwareFleets
{
    /// <summary>
    /// <paramref name="devices"/> simulated devices <c>PREFIX000000…</c> that inform every 2 s; a share of them
    /// (<paramref name="failureShare"/>, by serial number) fails firmware upgrades as <paramref name="failure"/> says;
    /// <paramref name="profile"/> is their data model (the gateway profile unless given).
    /// </summary>
    public static async Task<FleetSimulator> CreateAsync(TestServer server, ECDsa key, string prefix, FirmwareFailure failure, int devices = 1, double? failureShare = null, Uri? acsUrl = null, DeviceProfile? profile = null)
    {
        var bootstrap = server.Host.Facts.Bootstrap!;
        var options = new FleetOptions
        {
            AcsUrl = acsUrl ?? server.Url,
            Devices = devices,
            Profile = profile ?? DeviceProfile.Gateway(),
            SerialPrefix = prefix,
            BootstrapUsername = bootstrap.Username,
            BootstrapPassword = bootstrap.Password,
            Periodic = TimeSpan.FromSeconds(2),
            Ramp = TimeSpan.Zero,
            FirmwareFailure = failure,
            FirmwareFailureShare = failureShare ?? (failure == FirmwareFailure.None ? 0 : 1),
        };
        options.TrustedCas.AddRange(server.Host.Facts.ClientCertificateAnchors);
        options.SigningKeys[FileSignature.KeyIdOf(key)] = key;
        var fleet = new FleetSimulator(options);
        await fleet.CreateAsync(CancellationToken.None);
        return fleet;
    }

    /// <summary>Polls <paramref name="condition"/> every 200 ms until it holds or <paramref name="deadline"/> passes.</summary>
    public static Task UntilAsync(Func<Task<bool>> condition, CancellationToken deadline) =>
        Eventually.HoldsAsync(condition, "the fleet's condition", deadline, TimeSpan.FromMilliseconds(200));
}
