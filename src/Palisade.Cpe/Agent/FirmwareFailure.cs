namespace Palisade.Cpe.Agent;

/// <summary>How a simulated device fails a firmware upgrade (for testing and measuring campaigns against failure).</summary>
public enum FirmwareFailure
{
    /// <summary>It upgrades as it should.</summary>
    None,

    /// <summary>It finds the signature bad and refuses the image: TransferComplete with fault 9018.</summary>
    BadSignature,

    /// <summary>The download fails: TransferComplete with fault 9010.</summary>
    DownloadFault,

    /// <summary>It accepts the image, reboots and never comes back.</summary>
    NeverReturns,

    /// <summary>It accepts the image, reboots and comes back on the old version (TransferComplete without fault).</summary>
    OldVersion,
}
