using System.Text.RegularExpressions;
using PestWorkflows.Host.Tests.Infrastructure;

namespace PestWorkflows.Host.Tests.Security;

/// <summary>
/// The staff pages' Content-Security-Policy allows no inline script, inline handler or inline style: the
/// browser silently drops them (a print button that does nothing, a layout that breaks). Every Razor page
/// and every piece of markup built in C# is read here, so one slipped in fails before a browser test meets it.
/// </summary>
public sealed partial class PagesWithinPolicyTests
{
    [GeneratedRegex(@"\son[a-z]+\s*=\s*[""']", RegexOptions.IgnoreCase)]
    private static partial Regex InlineHandler();

    [GeneratedRegex(@"\sstyle\s*=\s*[""']|<style[\s>]", RegexOptions.IgnoreCase)]
    private static partial Regex InlineStyle();

    [GeneratedRegex(@"<script(?![^>]*\ssrc\s*=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [Fact]
    public void No_page_relies_on_inline_script_handlers_or_styles()
    {
        var source = Path.Combine(RepoPaths.Root, "src", "PestWorkflows.Host");
        var files = Directory.EnumerateFiles(source, "*.cshtml", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            // The designer's pages host Elsa Studio under their own, wider policy.
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}Designer{Path.DirectorySeparatorChar}"))
            // The access request's overview is a file in a ZIP, opened from disk without the host: it must carry its own styles.
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}AccessExport{Path.DirectorySeparatorChar}"))
            .ToList();
        Assert.NotEmpty(files);

        var found = new List<string>();
        foreach (var file in files)
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                if (lines[i].TrimStart().StartsWith("//")) continue; // a comment may name what it guards against
                foreach (var (rule, what) in new[] { (InlineHandler(), "inline event handler"), (InlineStyle(), "inline style"), (InlineScript(), "inline script") })
                    if (rule.IsMatch(lines[i]))
                        found.Add($"{Path.GetRelativePath(RepoPaths.Root, file)}:{i + 1}: {what}: {lines[i].Trim()}");
            }
        }
        Assert.True(found.Count == 0, "The staff pages' Content-Security-Policy blocks these (move them to wwwroot/js or wwwroot/css):\n" + string.Join("\n", found));
    }
}
