
namespace OrleansStyle.Gateway.Tests.Studio;

/// <summary>
/// A test that rewrites docs/studio/*.jpg: skipped unless ORLEANSSTYLE_STUDIO_SCREENSHOTS=1, so the default test run
/// never touches the docs (and spends no minute and a half rendering them).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ScreenshotFactAttribute : FactAttribute
{
    public const string Variable = "ORLEANSSTYLE_STUDIO_SCREENSHOTS";

    public ScreenshotFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(Variable) != "1")
        {
            Skip = $"Writes the docs' screenshots: set {Variable}=1 to run it.";
        }
    }
}
