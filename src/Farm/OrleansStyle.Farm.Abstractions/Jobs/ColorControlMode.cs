namespace OrleansStyle.Farm.Jobs;

/// <summary>How a render treats colour; mirrors the neural layer's colour modes.</summary>
public enum ColorControlMode
{
    /// <summary>Colours follow the style.</summary>
    Style,

    /// <summary>Stylise luminance only and keep the content's chroma.</summary>
    LuminanceOnly,

    /// <summary>AdaIN: recolour the style images to the content's colours; trained styles: recolour the result.</summary>
    MatchContentColors,

    /// <summary>The result's luminance with the content's chroma.</summary>
    PreserveContentColors,
}
