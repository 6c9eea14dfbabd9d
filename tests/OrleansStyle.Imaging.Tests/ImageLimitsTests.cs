namespace OrleansStyle.Imaging.Tests;

public sealed class ImageLimitsTests
{
    [Fact]
    public void Defaults_match_sharp_and_are_valid()
    {
        var limits = ImageLimits.Default;

        Assert.Equal(268_402_689, limits.MaxPixels);
        Assert.Equal(65_535, limits.MaxDimension);
        Assert.Equal(512L * 1024 * 1024, limits.MaxBytes);
        Assert.Empty(limits.Validate());
        limits.ThrowIfInvalid();
    }

    [Fact]
    public void Every_bad_value_is_reported_with_what_to_set_instead()
    {
        var limits = new ImageLimits { MaxPixels = -1, MaxDimension = 0, MaxBytes = 4L << 30 };

        var problems = limits.Validate();

        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("ImageLimits.MaxPixels is -1; set it to a positive", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("ImageLimits.MaxDimension is 0; set it to a positive", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("ImageLimits.MaxBytes is 4294967296; set it to at most", StringComparison.Ordinal));
        var thrown = Assert.Throws<ArgumentException>(limits.ThrowIfInvalid);
        Assert.Contains("MaxDimension", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pixel_budget_above_an_addressable_buffer_is_reported()
    {
        var problems = new ImageLimits { MaxPixels = 3_000_000_000 }.Validate();

        Assert.Single(problems);
        Assert.Contains("at most 2147483647", problems[0], StringComparison.Ordinal);
    }
}
