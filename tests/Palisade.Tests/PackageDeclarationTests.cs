using System.Xml.Linq;

namespace Palisade.Tests;

/// <summary>Directory.Packages.props declares what the projects use, and nothing they do not.</summary>
public sealed class PackageDeclarationTests
{
    [Fact]
    public void Every_declared_package_is_referenced_by_a_project()
    {
        var root = RepositoryRoot();
        var declared = XDocument.Load(Path.Combine(root, "Directory.Packages.props")).Descendants("PackageVersion")
            .Select(e => (string)e.Attribute("Include")!)
            .ToList();
        var referenced = Directory.EnumerateFiles(root, "*.csproj", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Append(Path.Combine(root, "Directory.Build.props"))
            .SelectMany(p => XDocument.Load(p).Descendants("PackageReference").Select(e => (string)e.Attribute("Include")!))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

        Assert.NotEmpty(declared);
        Assert.Equal([], declared.Where(p => !referenced.Contains(p)).ToArray());
    }

    /// <summary>The folder that holds Palisade.slnx, above the test binaries.</summary>
    public static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Palisade.slnx")))
            {
                return folder.FullName;
            }
        }

        throw new DirectoryNotFoundException("Palisade.slnx not found above " + AppContext.BaseDirectory);
    }
}
