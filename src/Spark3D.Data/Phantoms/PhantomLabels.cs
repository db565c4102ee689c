namespace Spark3D.Data.Phantoms;

/// <summary>Label values of a phantom's label map.</summary>
public static class PhantomLabels
{
    public const int Background = 0;
    public const int Csf = 1;
    public const int GreyMatter = 2;
    public const int WhiteMatter = 3;
    public const int Lesion = 4;
}
