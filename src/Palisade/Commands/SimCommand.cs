using System.CommandLine;

namespace Palisade.Commands;

/// <summary>`palisade sim`: Run a fleet of simulated CPEs against an ACS.</summary>
internal static class SimCommand
{
    public static Command Create()
    {
        var command = new Command("sim", "Run a fleet of simulated CPEs against an ACS.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("palisade sim: not built yet in this version.");
            return 2;
        });
        return command;
    }
}
