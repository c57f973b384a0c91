using Palisade.Cwmp;
using Palisade.Cwmp.Faults;
using Palisade.Cwmp.Messages;

namespace Palisade.Acs.Sessions;

public sealed partial class SessionEngine
{
    // The methods this ACS answers, by the version that introduced them (GetRPCMethods from a CPE).
    private static readonly string[] AcsMethods =
    [
        "Inform", "GetRPCMethods", "TransferComplete", "AutonomousTransferComplete", "RequestDownload", "Kicked",
        "DUStateChangeComplete", "AutonomousDUStateChangeComplete",
    ];

    // A CPE's own request: the steps see it first (a TransferComplete closes a task, ...), then the protocol's answer.
    private async Task<CwmpMessage> AnswerCpeRequestAsync(CwmpSession session, CwmpMessage request, CancellationToken cancellationToken)
    {
        CwmpMessage reply = request switch
        {
            GetRPCMethodsRequest => new GetRPCMethodsResponse([.. AcsMethods.Where(m => CwmpMethods.ExistsIn(m, session.Version))]),
            TransferCompleteRequest => new TransferCompleteResponse(),
            AutonomousTransferCompleteRequest => new AutonomousTransferCompleteResponse(),
            DUStateChangeCompleteRequest => new DUStateChangeCompleteResponse(),
            AutonomousDUStateChangeCompleteRequest => new AutonomousDUStateChangeCompleteResponse(),
            RequestDownloadRequest => new RequestDownloadResponse(),
            KickedRequest kicked => new KickedResponse(kicked.Next),
            _ => new CwmpFault(FaultCode.AcsMethodNotSupported),
        };

        if (reply is not CwmpFault and not GetRPCMethodsResponse)
        {
            await _pipeline.CpeRequestAsync(session, request, cancellationToken).ConfigureAwait(false);
        }

        return reply;
    }
}
