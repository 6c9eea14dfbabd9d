namespace OrleansStyle.Imaging.Tiling;

/// <summary>One tile of a <see cref="TileLayout"/>: its position in row-major order and its pixel rectangle.</summary>
public readonly record struct Tile(int Index, int Column, int Row, int X, int Y, int Width, int Height);
