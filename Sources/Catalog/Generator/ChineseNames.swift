/// Fictitious Chinese personal names for generated contacts and service agents.
///
/// A common surname and one or two given-name characters: plausible, but drawn at random, so no
/// generated record describes a real person.
enum ChineseNames {
    private static let surnames: [String] = [
        "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高",
        "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁",
        "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔",
        "钟", "谭", "陆", "汪", "范", "廖", "石", "熊", "欧阳", "司马",
    ]

    private static let givenCharacters: [String] = [
        "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀", "霞",
        "平", "刚", "桂", "文", "华", "建", "国", "志", "红", "玲", "晓", "婷", "宇", "浩", "凯", "鹏", "俊", "斌",
        "博", "欣", "怡", "佳", "雪", "琳", "晨", "阳", "峰", "宁", "帆", "睿", "思", "雨", "诗", "嘉", "子", "梓",
        "航", "川", "蓉", "渝", "锦", "诚", "立", "新", "海", "云", "天", "德", "泽", "一", "兰", "慧", "颖", "倩",
    ]

    /// A random full name such as 李晓峰 or 欧阳宁.
    static func random(_ random: inout SplitMix64) -> String {
        var name = random.pick(surnames) + random.pick(givenCharacters)
        if random.chance(70) { name += random.pick(givenCharacters) }
        return name
    }
}
