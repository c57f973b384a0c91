namespace Palisade.Cwmp.Structs;

/// <summary>A transfer in GetAllQueuedTransfersResponse (TR-069 A.4.1.6).</summary>
/// <param name="CommandKey">The transfer's command key.</param>
/// <param name="State">1 not yet started, 2 in progress, 3 completed.</param>
/// <param name="IsDownload">Download (true) or upload.</param>
/// <param name="FileType">The file type, e.g. <c>1 Firmware Upgrade Image</c>.</param>
/// <param name="FileSize">The size in bytes, 0 if unknown.</param>
/// <param name="TargetFileName">The target file name, or empty.</param>
public sealed record AllQueuedTransferStruct(string CommandKey, int State, bool IsDownload, string FileType, uint FileSize, string TargetFileName);
