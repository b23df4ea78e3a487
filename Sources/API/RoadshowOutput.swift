// Placeholder: the CSV and HTML agenda land in the next commit (a branch written in parallel).
public enum RoadshowOutput {
    public static func csv(_ view: RoadshowView) -> [UInt8] { [] }
    public static func html(_ view: RoadshowView) -> String { "" }
}
