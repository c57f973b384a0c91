namespace Palisade.Cwmp.Structs;

/// <summary>A transfer in GetQueuedTransfersResponse (TR-069 A.4.1.2).</summary>
/// <param name="CommandKey">The transfer's command key.</param>
/// <param name="State">1 not yet started, 2 in progress, 3 completed.</param>
public sealed record QueuedTransferStruct(string CommandKey, int State);
