using System.CommandLine;

namespace Palisade.Commands;

/// <summary>`palisade cpe`: Run one CPE agent from a configuration file.</summary>
internal static class CpeCommand
{
    public static Command Create()
    {
        var command = new Command("cpe", "Run one CPE agent from a configuration file.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("palisade cpe: not built yet in this version.");
            return 2;
        });
        return command;
    }
}
